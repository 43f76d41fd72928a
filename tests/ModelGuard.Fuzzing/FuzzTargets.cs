using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Formats.Compression;
using ModelGuard.Engine.Formats.Gguf;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.Formats.Numpy;
using ModelGuard.Engine.Formats.Onnx;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.Formats.Safetensors;
using ModelGuard.Engine.Formats.Zip;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Fuzzing;

/// <summary>
/// Every parser of the engine as a fuzz target. Each catches exactly the exceptions its parser documents for malformed input;
/// anything else is a bug and escapes. Limits are small so a bomb costs milliseconds, not the campaign's time.
/// </summary>
internal static class FuzzTargets
{
    /// <summary>Decompressed bytes one stream may produce under fuzzing.</summary>
    public const long MaxOutputBytes = 8L * 1024 * 1024;

    private static ScanOptions? s_options;

    /// <summary>
    /// The options of the whole-scan target: production rules with small limits. Created on first use: instrumented engine
    /// code must not run before SharpFuzz has set up AFL++'s coverage map.
    /// </summary>
    public static ScanOptions Options => s_options ??= CreateOptions(walkDataPickles: true);

    private static ScanOptions? s_optionsWithoutWalk;

    /// <summary><see cref="Options"/> with every pickle stream simulated: what the data-only walk must agree with.</summary>
    private static ScanOptions OptionsWithoutWalk => s_optionsWithoutWalk ??= CreateOptions(walkDataPickles: false);

    private static ScanOptions CreateOptions(bool walkDataPickles) => new()
    {
        MaxDecompressedBytes = MaxOutputBytes,
        MaxTotalDecompressedBytes = 4 * MaxOutputBytes,
        MaxArchiveEntries = 10_000,
        MaxScanTime = TimeSpan.FromSeconds(5),
        WalkDataPickles = walkDataPickles,
    };

    public static IReadOnlyList<FuzzTarget> All { get; } = new[]
    {
        new FuzzTarget("pickle-disassembler", "PickleDisassembler: every opcode and argument, seekable and forward-only input", RunDisassembler, IsPickleSeed),
        new FuzzTarget("pickle-simulator", "PickleSimulator over stacked streams (the unpickler's stack, marks, memo, joblib arrays)", RunSimulator, IsPickleSeed, GeneratedPickles),
        new FuzzTarget("pickle-data-walk", "DataPickleWalker against PickleSimulator: a scan reports the same with and without the data-only walk", RunDataWalk, IsPickleSeed, GeneratedDataPickles),
        new FuzzTarget("zip", "ZipCentralDirectory and ZipEntryReader (end records, zip64, local headers, stored and deflate members)", RunZip, p => IsZipSeed(p), GeneratedZips),
        new FuzzTarget("tar", "TarContainerScanner and TarHeader (ustar, GNU long names, PAX, legacy torch tars), seekable and forward-only", RunTar, p => p.EndsWith(".tar", StringComparison.Ordinal) || p.Contains("legacy_tar", StringComparison.Ordinal)),
        new FuzzTarget("safetensors", "SafetensorsValidator and SafetensorsIndexValidator (length field, JSON header, schema, offsets)", RunSafetensors, p => p.EndsWith(".safetensors", StringComparison.Ordinal), GeneratedSafetensors),
        new FuzzTarget("gguf-header", "GgufValidator (header, key-value pairs, nested arrays, tensor infos, layout) seekable and forward-only, and the chat template Jinja lexer", RunGguf, p => p.EndsWith(".gguf", StringComparison.Ordinal) && !p.Contains("/real/", StringComparison.Ordinal), GeneratedGguf),
        new FuzzTarget("json", "JsonReader and JsonDocument (UTF-8, numbers, escapes, depth), default and serde_json options", RunJson, p => p.EndsWith(".json", StringComparison.Ordinal), GeneratedJson),
        new FuzzTarget("npy", "NpyHeader and its Python literal parser", RunNpy, p => p.EndsWith(".npy", StringComparison.Ordinal)),
        new FuzzTarget("zlib", "ZlibDecoderStream", data => RunDecompressor(CompressionKind.Zlib, data), p => p.EndsWith(".zlib", StringComparison.Ordinal) || p.Contains("zlib.joblib", StringComparison.Ordinal)),
        new FuzzTarget("bzip2", "Bzip2DecoderStream", data => RunDecompressor(CompressionKind.Bzip2, data), p => p.EndsWith(".bz2", StringComparison.Ordinal) || p.Contains("bz2.joblib", StringComparison.Ordinal)),
        new FuzzTarget("xz", "XzDecoderStream (blocks, filters, checks, index)", data => RunDecompressor(CompressionKind.Xz, data), p => p.EndsWith(".xz", StringComparison.Ordinal) || p.Contains("xz.joblib", StringComparison.Ordinal)),
        new FuzzTarget("lzma", "LzmaAloneDecoderStream", data => RunDecompressor(CompressionKind.LzmaAlone, data), p => p.EndsWith(".lzma", StringComparison.Ordinal) || p.Contains("lzma.joblib", StringComparison.Ordinal)),
        new FuzzTarget("onnx-model", "OnnxModelReader (protobuf wire format, every ONNX message) and the structure and external-data validators, seekable and forward-only", RunOnnx, p => p.EndsWith(".onnx", StringComparison.Ordinal) || (p.Contains("onnx/", StringComparison.Ordinal) && p.EndsWith(".bin", StringComparison.Ordinal))),
        new FuzzTarget("scan", "ModelScanner.Scan over a MemoryStream: sniffing, every container and wrapper, name-based routing", RunScan, IsScanSeed, GeneratedZips),
    };

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    private static bool IsPickleSeed(string path)
        => path.EndsWith(".pkl", StringComparison.Ordinal) || path.EndsWith(".pickle", StringComparison.Ordinal)
           || path.EndsWith("joblib_raw.joblib", StringComparison.Ordinal) || path.EndsWith("sklearn_pipeline.joblib", StringComparison.Ordinal)
           || path.EndsWith("sklearn_forest.joblib", StringComparison.Ordinal) || path.Contains("/picklescan/", StringComparison.Ordinal);

    private static bool IsZipSeed(string path)
        => path.EndsWith(".pt", StringComparison.Ordinal) || path.EndsWith(".npz", StringComparison.Ordinal) || path.EndsWith(".zip", StringComparison.Ordinal);

    private static bool IsScanSeed(string path)
        => !path.EndsWith(".py", StringComparison.Ordinal) && !path.EndsWith(".opcodes", StringComparison.Ordinal)
           && !path.EndsWith(".tsv", StringComparison.Ordinal) && !path.EndsWith(".md", StringComparison.Ordinal);

    private static void RunDisassembler(byte[] data)
    {
        foreach (var stream in Both(data))
        {
            using var reader = new BufferedByteReader(stream);
            var disassembler = new PickleDisassembler(reader);
            try
            {
                while (disassembler.TryRead(out _))
                {
                }
            }
            catch (PickleFormatException)
            {
            }
        }
    }

    private static void RunSimulator(byte[] data)
    {
        foreach (var stream in Both(data))
        {
            using var reader = new BufferedByteReader(stream);
            var disassembler = new PickleDisassembler(reader);
            var extensions = new ExtensionRegistry();
            for (var streams = 0; streams < 1000; streams++)
            {
                var simulator = new PickleSimulator(extensions);
                try
                {
                    if (!simulator.Run(disassembler))
                    {
                        break;
                    }
                }
                catch (PickleFormatException)
                {
                    break;
                }

                _ = simulator.Imports.Select(i => i.Display).ToArray();
            }
        }
    }

    /// <summary>Differential: the walk may only skip work, so any difference in what a scan reports is a bug (thrown as a crash).</summary>
    private static void RunDataWalk(byte[] data)
    {
        var walked = new ModelScanner(Options).Scan(new MemoryStream(data, writable: false), "data.pkl");
        var simulated = new ModelScanner(OptionsWithoutWalk).Scan(new MemoryStream(data, writable: false), "data.pkl");
        if (walked.Findings.Concat(simulated.Findings).Any(f => f.Rule.Id == RuleIds.ScanTimeLimitExceeded))
        {
            return; // where a time limit cuts a scan depends on the machine, not on the input
        }

        var expected = string.Join("\n", simulated.Findings.Select(f => f.ToString()));
        var actual = string.Join("\n", walked.Findings.Select(f => f.ToString()));
        if (expected != actual)
        {
            throw new InvalidOperationException($"the data-only walk changed the findings.\nsimulated:\n{expected}\nwalked:\n{actual}");
        }
    }

    private static void RunZip(byte[] data)
    {
        using var archive = new MemoryStream(data, writable: false);
        ZipCentralDirectory directory;
        try
        {
            directory = ZipCentralDirectory.Read(archive, Options.MaxArchiveEntries);
        }
        catch (Exception ex) when (ex is ZipFormatException or ScanLimitExceededException)
        {
            return;
        }

        var buffer = new byte[64 * 1024];
        foreach (var entry in directory.Entries)
        {
            try
            {
                using var member = ZipEntryReader.Open(archive, entry, MaxOutputBytes);
                while (member.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is ZipFormatException or NotSupportedException or InvalidDataException or DecompressionLimitExceededException)
            {
            }
        }
    }

    private static void RunTar(byte[] data)
    {
        foreach (var stream in Both(data))
        {
            var context = new ScanContext("fuzz.tar", Options);
            try
            {
                TarContainerScanner.Scan(context, stream, null, 1);
            }
            catch (ScanLimitExceededException)
            {
            }

            ThrowOnInternalError(context.Findings);
        }
    }

    private static void RunSafetensors(byte[] data)
    {
        using (var seekable = new MemoryStream(data, writable: false))
        {
            _ = SafetensorsValidator.Validate(seekable, data.Length).Issues.Count;
        }

        using (var forward = new ForwardOnlyStream(data, maxChunk: 4099))
        {
            _ = SafetensorsValidator.Validate(forward, null).Issues.Count;
        }

        using var index = new MemoryStream(data, writable: false);
        _ = SafetensorsIndexValidator.Validate(index, data.Length, directory: null).Count;
    }

    private static void RunOnnx(byte[] data)
    {
        foreach (var stream in Both(data))
        {
            OnnxModel model;
            try
            {
                model = OnnxModelReader.Read(stream, stream.CanSeek ? data.Length : null);
            }
            catch (OnnxFormatException)
            {
                continue;
            }

            var issues = new List<FormatIssue>();
            OnnxStructureValidator.Validate(model, issues);
            _ = OnnxExternalDataValidator.Validate(model, modelPath: null, issues).Count;
        }

        _ = OnnxSniffer.LooksLikeModel(data.AsSpan(0, Math.Min(data.Length, ContentSniffer.HeadLength)), data.Length);
    }

    private static void RunJson(byte[] data)
    {
        foreach (var options in new[] { JsonReaderOptions.Default, JsonReaderOptions.SerdeJson })
        {
            using var reader = new JsonReader(data, options);
            try
            {
                _ = JsonDocument.Parse(reader);
            }
            catch (JsonReaderException)
            {
            }
        }
    }

    private static void RunNpy(byte[] data)
    {
        foreach (var stream in Both(data))
        {
            try
            {
                _ = NpyHeader.Read(stream).HasObjects;
            }
            catch (FormatException)
            {
            }
        }
    }

    private static void RunDecompressor(CompressionKind kind, byte[] data)
    {
        using var decoded = Decompressors.Open(kind, new MemoryStream(data, writable: false), MaxOutputBytes);
        var buffer = new byte[64 * 1024];
        try
        {
            while (decoded.Read(buffer, 0, buffer.Length) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is CompressedFormatException or NotSupportedException)
        {
        }
    }

    private static void RunScan(byte[] data)
    {
        var scanner = new ModelScanner(Options);
        foreach (var name in new[] { "model.pt", "model.safetensors" })
        {
            using var stream = new MemoryStream(data, writable: false);
            ThrowOnInternalError(scanner.Scan(stream, name).Findings);
        }
    }

    /// <summary>MG9001 means an exception escaped a reader inside ModelScanner, which turned it into a finding: a bug all the same.</summary>
    private static void ThrowOnInternalError(IReadOnlyList<Finding> findings)
    {
        foreach (var finding in findings)
        {
            if (finding.Rule.Id == RuleIds.InternalError)
            {
                throw new InvalidOperationException("MG9001: " + finding.Message);
            }
        }
    }

    private static IEnumerable<Stream> Both(byte[] data)
    {
        yield return new MemoryStream(data, writable: false);
        yield return new ForwardOnlyStream(data, maxChunk: 4099);
    }

    private static IEnumerable<(string, byte[])> GeneratedPickles()
    {
        yield return ("generated-state-dict.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "a", "b" }));
        yield return ("generated-frames.pkl", new PickleWriter().Proto(4).Frame(12).ShortBinUnicode("os").ShortBinUnicode("system").StackGlobal().Stop().ToArray());
        yield return ("generated-memo.pkl", new PickleWriter().Proto(2).EmptyTuple().BinPut(1).LongBinPut(0xFFFFFFFF).BinGet(1).LongBinGet(0xFFFFFFFF).Tuple2().Stop().ToArray());
    }

    private static IEnumerable<(string, byte[])> GeneratedDataPickles()
    {
        foreach (var generated in GeneratedPickles())
        {
            yield return generated;
        }

        yield return ("generated-data-p4.pkl", new PickleWriter().Proto(4).Frame(40).EmptyDict().Memoize().Mark().ShortBinUnicode("k").Memoize()
            .BinInt1(1).BinInt1(2).Tuple2().Memoize().ShortBinUnicode("l").Memoize().EmptyList().Memoize().Mark().BinGet(0).BinGet(1).Appends()
            .SetItems().Stop().ToArray());
        yield return ("generated-data-p2.pkl", new PickleWriter().Proto(2).Mark().BinUnicode("é").BinPut(0).BinFloat(0.5).NewTrue().None()
            .BinGet(0).LongBinPut(1).Op((byte)'d').Dup().BinPut(2).Pop().Stop().ToArray());
        yield return ("generated-data-p0.pkl", new PickleWriter().Mark().Unicode("key").Put(0).Op((byte)'I').Raw("42\n").Op((byte)'F').Raw("1.5\n")
            .Get(0).Op((byte)'l').Op((byte)'d').Stop().ToArray());
    }

    private static IEnumerable<(string, byte[])> GeneratedZips()
    {
        yield return ("generated-benign.pt", TorchCheckpointWriter.Benign("w", "b"));
        yield return ("generated-malicious.pt", TorchCheckpointWriter.Malicious());
        var deflated = new ZipBuilder();
        deflated.AddDeflated("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
        deflated.AddStored("archive/data/0", new byte[16]);
        yield return ("generated-deflated.pt", deflated.ToArray());
        var zip64 = new ZipBuilder { Zip64 = true };
        zip64.AddStored("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
        yield return ("generated-zip64.pt", zip64.ToArray());
    }

    private static IEnumerable<(string, byte[])> GeneratedSafetensors()
    {
        yield return ("generated.safetensors", new SafetensorsWriter().Tensor("w", "F32", 2, 2).Tensor("b", "BF16", 3).ToArray());
    }

    private static void RunGguf(byte[] data)
    {
        using (var seekable = new MemoryStream(data, writable: false))
        {
            _ = GgufValidator.Validate(seekable, data.Length).Count;
        }

        using (var forward = new ForwardOnlyStream(data, maxChunk: 4099))
        {
            _ = GgufValidator.Validate(forward, null).Count;
        }

        // The same bytes as a template: the lexer must end with tokens or an error for any text.
        _ = ChatTemplateChecker.Find(Encoding.UTF8.GetString(data)).Count;
    }

    private static IEnumerable<(string, byte[])> GeneratedGguf()
    {
        yield return ("generated.gguf", GgufWriter.Typical().ToArray());
        yield return ("generated-v1.gguf", new GgufWriter { Version = 1 }.Add("general.architecture", "llama").ToArray());
        yield return ("generated-nested.gguf", new GgufWriter().Add("x.nested", new GgufArray(9, new object[] { new GgufArray(4, new object[] { 1u }) })).ToArray());
        yield return ("generated-template.jinja.gguf", Encoding.UTF8.GetBytes("{%- for m in messages -%}{{ '<|' ~ m['role'] ~ '|>' }}{% raw %}{{x}}{% endraw %}{# c #}{%- endfor %}"));
    }

    private static IEnumerable<(string, byte[])> GeneratedJson()
    {
        yield return ("generated-index.json", Encoding.UTF8.GetBytes("{\"metadata\": {\"total_size\": 16}, \"weight_map\": {\"w\": \"model-00001-of-00001.safetensors\"}}"));
        yield return ("generated-values.json", Encoding.UTF8.GetBytes("[1, -2.5e+10, \"\\u00e9\\ud83d\\ude00\", true, false, null, {\"a\": [[]]}]"));
    }
}
