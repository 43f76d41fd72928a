using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Lengths, sizes, counts and offsets that point beyond the file, up to 2^64−1, in every format: each is a finding that names
/// the problem, found quickly and without allocating anything the size of what was declared.
/// </summary>
public sealed class DeclaredLengthTests
{
    private const ulong Max64 = ulong.MaxValue;
    private const ulong Max63 = long.MaxValue;

    private static readonly Dictionary<string, (Func<byte[]> Build, string Name, string[] Rules)> Cases = new()
    {
        ["pickle BINBYTES8 2^64-1"] = (() => Pickle(0x8e, Max64, 8), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle BINBYTES8 2^63-1"] = (() => Pickle(0x8e, Max63, 8), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle BINUNICODE8 length+1"] = (() => Pickle(0x8d, 3, 8), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle BINUNICODE 2^32-1"] = (() => Pickle((byte)'X', uint.MaxValue, 4), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle FRAME 2^64-1"] = (() => Pickle(0x95, Max64, 8), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle FRAME 2^63-1"] = (() => Pickle(0x95, Max63, 8), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle LONG4 2^31-1"] = (() => Pickle(0x8b, int.MaxValue, 4), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["pickle LONG_BINGET 2^32-1"] = (() => Pickle((byte)'j', uint.MaxValue, 4), "model.pkl", new[] { RuleIds.PickleDecodeFailure }),
        ["zip64 sizes 2^64-1"] = (() => Zip64Member(-1, -1), "model.pt", new[] { RuleIds.UninspectableContent }),
        ["zip64 sizes 2^63-1"] = (() => Zip64Member(long.MaxValue, long.MaxValue), "model.pt", new[] { RuleIds.UninspectableContent }),
        ["zip local header offset past the end"] = (ZipOffsetPastEnd, "model.pt", new[] { RuleIds.UninspectableContent }),
        ["zip directory size 2^32-1"] = (() => ZipDirectory(size: uint.MaxValue), "model.pt", new[] { RuleIds.UninspectableContent }),
        ["zip entry count 65535"] = (() => ZipDirectory(count: ushort.MaxValue), "model.pt", new[] { RuleIds.UninspectableContent }),
        ["tar size 2^63-1 (base-256)"] = (TarSizeMax, "bundle.tar", new[] { RuleIds.UninspectableContent }),
        ["gguf tensor count 2^64-1"] = (() => new GgufWriter { TensorCountOverride = Max64 }.Add("general.architecture", "llama").ToArray(), "model.gguf", new[] { RuleIds.GgufLengthBeyondContent }),
        ["gguf key-value count 2^63-1"] = (() => new GgufWriter { KeyValueCountOverride = Max63 }.Add("general.architecture", "llama").ToArray(), "model.gguf", new[] { RuleIds.GgufLengthBeyondContent }),
        ["gguf string length 2^64-1"] = (() => new GgufWriter().Add("general.name", new GgufRawValue(8, BitConverter.GetBytes(Max64))).ToArray(), "model.gguf", new[] { RuleIds.GgufLengthBeyondContent }),
        ["gguf array length 2^63-1"] = (() => new GgufWriter().Add("x", new GgufRawValue(9, BitConverter.GetBytes(4u).Concat(BitConverter.GetBytes(Max63)).ToArray())).ToArray(), "model.gguf", new[] { RuleIds.GgufLengthBeyondContent }),
        ["gguf tensor offset 2^64-1"] = (() => { var w = GgufWriter.Typical(); w.Tensors[1].OffsetOverride = Max64 - 31; return w.ToArray(); }, "model.gguf", new[] { RuleIds.GgufTensorDataOverlap, RuleIds.GgufTensorDataOutOfFile, RuleIds.GgufTensorSizeOverflow }),
        ["npy header length 2^32-1"] = (() => Npy(uint.MaxValue), "array.npy", new[] { RuleIds.UninspectableContent }),
        ["npy header length+1"] = (() => Npy(200), "array.npy", new[] { RuleIds.UninspectableContent }),
        ["safetensors header 2^64-1"] = (() => Safetensors(Max64), "model.safetensors", new[] { RuleIds.SafetensorsHeaderTooLarge }),
        ["safetensors header file length+1"] = (() => Safetensors(0), "model.safetensors", new[] { RuleIds.SafetensorsHeaderLengthOutOfBounds }),
        ["safetensors tensor offsets 2^64-1"] = (() => new SafetensorsWriter().Tensor("w", "F32", 1).Offsets("w", 0, Max64).ToArray(), "model.safetensors", new[] { RuleIds.SafetensorsInvalidOffsets, RuleIds.SafetensorsTensorSizeMismatch, RuleIds.SafetensorsSizeOverflow, "MG2011" }),
        ["lzma declared size 2^48-1"] = (() => LzmaHeader((1UL << 48) - 1), "model.joblib", new[] { RuleIds.UninspectableContent, RuleIds.PickleDecodeFailure }),
        ["joblib array of 2^62 bytes"] = (JoblibHugeArray, "model.joblib", new[] { RuleIds.PickleDecodeFailure }),
        ["legacy torch storage of 2^63-1 elements"] = (LegacyStorageHuge, "model.pt", new[] { RuleIds.PickleDecodeFailure }),
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void A_declared_length_beyond_the_file_is_a_finding(string name)
    {
        var (build, fileName, rules) = Cases[name];
        var bytes = build();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = ThreadCpuClock.Start();
        using var stream = new MemoryStream(bytes, writable: false);
        var result = new ModelScanner().Scan(stream, fileName);
        var cpu = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.DoesNotContain(result.Findings, f => f.Rule.Id is RuleIds.InternalError or RuleIds.ScanTimeLimitExceeded);
        Assert.True(result.Findings.Any(f => rules.Contains(f.Rule.Id)), $"expected one of [{string.Join(", ", rules)}] but got:\n{result.Describe()}");
        Assert.True(cpu < TimeSpan.FromSeconds(2), $"took {cpu} of CPU time ({clock.Wall} wall clock)");
        Assert.True(allocated < 64L * 1024 * 1024, $"allocated {allocated} bytes for a {bytes.Length}-byte file");
    }

    /// <summary>PROTO 4, then an opcode whose length argument says <paramref name="length"/>, followed by 3 bytes and STOP.</summary>
    private static byte[] Pickle(byte opcode, ulong length, int width)
    {
        var bytes = new List<byte> { 0x80, 4, opcode };
        for (var i = 0; i < width; i++)
        {
            bytes.Add((byte)(length >> (8 * i)));
        }

        bytes.AddRange(new byte[] { (byte)'a', (byte)'b', (byte)'.' });
        return bytes.ToArray();
    }

    private static byte[] Zip64Member(long uncompressed, long compressed)
    {
        var zip = new ZipBuilder { Zip64 = true };
        var entry = zip.AddStored("archive/data.pkl", new PickleWriter().Proto(2).None().Stop().ToArray());
        entry.UncompressedSize = uncompressed;
        entry.CompressedSizeOverride = compressed;
        return zip.ToArray();
    }

    private static byte[] ZipOffsetPastEnd()
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", new PickleWriter().Proto(2).None().Stop().ToArray()).LocalHeaderOffsetOverride = uint.MaxValue - 1;
        return zip.ToArray();
    }

    private static byte[] ZipDirectory(uint? size = null, ushort? count = null)
    {
        var zip = new ZipBuilder { DirectorySizeOverride = size, EntryCountOverride = count };
        zip.AddStored("archive/data.pkl", new PickleWriter().Proto(2).None().Stop().ToArray());
        return zip.ToArray();
    }

    private static byte[] TarSizeMax()
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes("model.pkl").CopyTo(header, 0);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        header[124] = 0x80;
        BinaryPrimitives.WriteInt64BigEndian(header.AsSpan(124 + 4), long.MaxValue);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(header, 257);
        header[263] = (byte)'0';
        header[264] = (byte)'0';
        var checksum = header.Select((b, i) => i is >= 148 and < 156 ? (byte)' ' : b).Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(checksum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header.Concat(new byte[1024]).ToArray();
    }

    private static byte[] Npy(uint headerLength)
    {
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange(Encoding.ASCII.GetBytes("NUMPY"));
        bytes.AddRange(new byte[] { 2, 0 });
        bytes.AddRange(BitConverter.GetBytes(headerLength));
        bytes.AddRange(Encoding.ASCII.GetBytes("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n"));
        return bytes.ToArray();
    }

    private static byte[] Safetensors(ulong declared)
    {
        var json = Encoding.UTF8.GetBytes("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}");
        var length = declared == 0 ? (ulong)json.Length + 5 : declared;
        return BitConverter.GetBytes(length).Concat(json).Concat(new byte[4]).ToArray();
    }

    /// <summary>A real .lzma stream (a pickle) whose header declares <paramref name="declared"/> uncompressed bytes.</summary>
    private static byte[] LzmaHeader(ulong declared)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "limits", "pickle_bomb_4m.lzma"));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(5), declared);
        return bytes;
    }

    private static byte[] JoblibHugeArray()
    {
        // A NumpyArrayWrapper of shape (2^31, 2^31) float64 (2^65 bytes: refused) with nothing after its BUILD.
        return new PickleWriter().Proto(2)
            .Global("joblib.numpy_pickle", "NumpyArrayWrapper").EmptyTuple().Reduce()
            .EmptyDict()
            .BinUnicode("dtype").Global("numpy", "dtype").BinUnicode("f8").Tuple1().Reduce().SetItem()
            .BinUnicode("shape").BinInt(int.MaxValue).BinInt(int.MaxValue).Tuple2().SetItem()
            .Build().Stop().ToArray();
    }

    private static byte[] LegacyStorageHuge()
    {
        // The oldest torch.save tar: a 'storages' member with one record whose element count is 2^63-1.
        var records = new PickleWriter().Proto(2).BinInt1(1).Stop()
            .Proto(2).BinUnicode("0").BinUnicode("cpu").Global("torch", "FloatStorage").Tuple3().Stop().ToArray();
        var storages = records.Concat(BitConverter.GetBytes(long.MaxValue)).ToArray();
        using var output = new MemoryStream();
        using (var tar = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            tar.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "storages") { DataStream = new MemoryStream(storages) });
        }

        return output.ToArray();
    }
}
