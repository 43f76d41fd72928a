using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Formats.Onnx;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Robustness;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Onnx;

/// <summary>The wire reader's bounds, the sniffing probe and the limits, on models written in code (OnnxWriter).</summary>
public sealed class OnnxReaderTests
{
    [Fact]
    public void Random_bytes_and_every_other_fixture_are_never_taken_for_onnx()
    {
        var random = new Random(20261204);
        var head = new byte[ContentSniffer.HeadLength];
        for (var i = 0; i < 200_000; i++)
        {
            random.NextBytes(head);
            if (i % 2 == 0)
            {
                head[0] = 0x08; // Even with ONNX's first tag in place.
                head[1] = (byte)random.Next(1, 14);
            }

            Assert.False(OnnxSniffer.LooksLikeModel(head, head.Length), Convert.ToBase64String(head));
        }

        foreach (var name in RobustnessCorpus.Names.Where(n => !n.Contains("/onnx/", StringComparison.Ordinal)))
        {
            var bytes = RobustnessCorpus.Read(name);
            Assert.False(OnnxSniffer.LooksLikeModel(bytes.AsSpan(0, Math.Min(bytes.Length, ContentSniffer.HeadLength)), bytes.Length), name);
        }
    }

    [Fact]
    public void An_onnx_model_is_recognised_by_content_whatever_its_name()
    {
        foreach (var name in new[] { "weights.bin", "model.dat", "noextension" })
        {
            var result = Scan(OnnxWriter.Linear(), name);
            Assert.Equal(ContentFormat.Onnx, result.Format);
            Assert.Empty(result.Findings);
        }
    }

    [Fact]
    public void A_file_named_onnx_that_is_not_a_model_is_malformed()
    {
        Assert.Equal(RuleIds.OnnxMalformedProtobuf, Assert.Single(Scan(new byte[] { 0xFF, 0xFF, 0xFF }, "model.onnx").Findings).Rule.Id);
        Assert.Empty(Scan(new byte[] { 0xFF, 0xFF, 0xFF }, "model.dat").Findings);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4099)]
    public void Forward_only_input_gives_the_same_verdict(int chunk)
    {
        foreach (var name in OnnxFixtures.Expected.Keys.Where(k => k.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            var bytes = OnnxFixtures.Read(name);
            // The same rules; a forward-only stream learns where the content ends only when it ends, so messages may differ.
            var seekable = Issues(new MemoryStream(bytes), bytes.Length).Select(i => i.Substring(0, 6));
            var forward = Issues(new ForwardOnlyStream(bytes, maxChunk: chunk), null).Select(i => i.Substring(0, 6));
            Assert.Equal(seekable, forward);
        }
    }

    [Fact]
    public void Every_truncation_of_a_model_is_malformed_and_none_throws()
    {
        var bytes = OnnxWriter.Linear();
        for (var length = 1; length < bytes.Length; length++)
        {
            var issues = Issues(new MemoryStream(bytes, 0, length), length);
            Assert.Contains(issues, i => i.StartsWith("MG50", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_declared_length_past_the_content_is_reported_without_allocating_it()
    {
        var model = new OnnxWriter.ProtoMessage().Varint(1, 8).Raw(OnnxWriter.Tag(7, 2), OnnxWriter.Varint(ulong.MaxValue >> 1)).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var issues = Issues(new MemoryStream(model), model.Length);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
        Assert.Contains(issues, i => i.StartsWith(RuleIds.OnnxMalformedProtobuf, StringComparison.Ordinal) && i.Contains("declares", StringComparison.Ordinal));
    }

    [Fact]
    public void Nesting_counts_and_name_lengths_are_bounded()
    {
        // A TypeProto nested 300 levels (sequence of sequence of ...), inside a graph input's type.
        var type = new OnnxWriter.ProtoMessage().Nested(1, new OnnxWriter.ProtoMessage().Varint(1, 1));
        for (var i = 0; i < 300; i++)
        {
            type = new OnnxWriter.ProtoMessage().Nested(4, new OnnxWriter.ProtoMessage().Nested(1, type));
        }

        var deep = OnnxWriter.Model(new OnnxWriter.ProtoMessage().Nested(11, OnnxWriter.ValueInfo("x").Nested(2, type))).ToArray();
        Assert.Contains(Issues(new MemoryStream(deep), deep.Length), i => i.StartsWith(RuleIds.OnnxStructureLimitExceeded, StringComparison.Ordinal));

        var dims = OnnxWriter.Model(new OnnxWriter.ProtoMessage().Nested(5, new OnnxWriter.ProtoMessage().Varints(1, Enumerable.Repeat(1L, 65).ToArray()).Varint(2, 1))).ToArray();
        Assert.Contains(Issues(new MemoryStream(dims), dims.Length), i => i.StartsWith(RuleIds.OnnxStructureLimitExceeded, StringComparison.Ordinal) && i.Contains("dims", StringComparison.Ordinal));

        var name = OnnxWriter.Model(new OnnxWriter.ProtoMessage().String(2, new string('n', OnnxLimits.MaxNameBytes + 1))).ToArray();
        Assert.Contains(Issues(new MemoryStream(name), name.Length), i => i.StartsWith(RuleIds.OnnxStructureLimitExceeded, StringComparison.Ordinal));
    }

    [Fact]
    public void A_model_over_2_GiB_with_inline_data_is_reported_and_read_by_a_few_kilobytes()
    {
        var folder = Directory.CreateTempSubdirectory("modelguard-onnx-big-").FullName;
        try
        {
            var path = Path.Combine(folder, "model.onnx");
            OnnxWriter.WriteModelWithInlinePayload(path, (2L * 1024 * 1024 * 1024) + 4096);
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
            using var counting = new CountingStream(file);
            var result = new ModelScanner().Scan(counting, "model.onnx");
            Assert.Equal(ContentFormat.Onnx, result.Format);
            Assert.Equal(RuleIds.OnnxModelTooLarge, Assert.Single(result.Findings).Rule.Id);
            Assert.True(counting.BytesRead < 1024 * 1024, $"{counting.BytesRead} bytes read");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Symbolic_and_hard_links_out_of_the_folder_are_escapes_links_inside_are_not()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var root = Directory.CreateTempSubdirectory("modelguard-onnx-links-").FullName;
        try
        {
            var outside = Path.Combine(root, "outside.bin");
            File.WriteAllBytes(outside, new byte[64]);
            var model = Directory.CreateDirectory(Path.Combine(root, "model")).FullName;
            var bytes = ExternalModel("data.bin");

            File.WriteAllBytes(Path.Combine(model, "model.onnx"), bytes);
            File.CreateSymbolicLink(Path.Combine(model, "data.bin"), outside);
            Assert.Contains(ScanIds(Path.Combine(model, "model.onnx")), id => id == RuleIds.OnnxExternalDataEscapesFolder);

            File.Delete(Path.Combine(model, "data.bin"));
            File.WriteAllBytes(Path.Combine(model, "real.bin"), new byte[64]);
            File.CreateSymbolicLink(Path.Combine(model, "data.bin"), "real.bin");
            Assert.Empty(ScanIds(Path.Combine(model, "model.onnx")));

            File.Delete(Path.Combine(model, "data.bin"));
            RunLn(outside, Path.Combine(model, "data.bin"));
            Assert.Contains(ScanIds(Path.Combine(model, "model.onnx")), id => id == RuleIds.OnnxExternalDataEscapesFolder);

            // Hugging Face's cache: the model and its data are symbolic links into one blobs folder.
            var blobs = Directory.CreateDirectory(Path.Combine(root, "blobs")).FullName;
            var snapshot = Directory.CreateDirectory(Path.Combine(root, "snapshots", "rev")).FullName;
            File.WriteAllBytes(Path.Combine(blobs, "m"), bytes);
            File.WriteAllBytes(Path.Combine(blobs, "d"), new byte[64]);
            File.CreateSymbolicLink(Path.Combine(snapshot, "model.onnx"), Path.Combine(blobs, "m"));
            File.CreateSymbolicLink(Path.Combine(snapshot, "data.bin"), Path.Combine(blobs, "d"));
            Assert.Empty(ScanIds(Path.Combine(snapshot, "model.onnx")));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void GenAi_custom_ops_library_is_allowed_only_when_listed()
    {
        var config = System.Text.Encoding.UTF8.GetBytes("{\"model\":{\"decoder\":{\"session_options\":{\"custom_ops_library\":\"lib/libcustom_ops.so\"}}}}");
        using var first = new MemoryStream(config);
        Assert.Equal(RuleIds.GenAiCustomOpsLibrary, Assert.Single(new ModelScanner().Scan(first, "models/genai_config.json").Findings).Rule.Id);
        using var second = new MemoryStream(config);
        Assert.Empty(new ModelScanner(new ScanOptions { AllowedNativeLibraries = new[] { "libcustom_ops.so" } }).Scan(second, "models/genai_config.json").Findings);
        Assert.NotEqual(ScanOptions.Default.Fingerprint, new ScanOptions { AllowedNativeLibraries = new[] { "libcustom_ops.so" } }.Fingerprint);
    }

    private static byte[] ExternalModel(string location)
    {
        var tensor = new OnnxWriter.ProtoMessage().Varints(1, 16).Varint(2, 1).String(8, "W")
            .Nested(13, new OnnxWriter.ProtoMessage().String(1, "location").String(2, location))
            .Nested(13, new OnnxWriter.ProtoMessage().String(1, "length").String(2, "64"))
            .Varint(14, 1);
        var graph = new OnnxWriter.ProtoMessage().Nested(1, OnnxWriter.Node("Identity", new[] { "W" }, new[] { "Y" })).Nested(5, tensor).Nested(12, OnnxWriter.ValueInfo("Y"));
        return OnnxWriter.Model(graph).ToArray();
    }

    private static void RunLn(string target, string link)
    {
        using var ln = Process.Start(new ProcessStartInfo("ln", new[] { target, link }) { UseShellExecute = false })!;
        ln.WaitForExit();
        Assert.Equal(0, ln.ExitCode);
    }

    private static string[] ScanIds(string path) => new ModelScanner().ScanFile(path).Findings.Select(f => f.Rule.Id).ToArray();

    private static ScanResult Scan(byte[] bytes, string name)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return new ModelScanner().Scan(stream, name);
    }

    private static string[] Issues(Stream stream, long? length)
    {
        using (stream)
        {
            var issues = new System.Collections.Generic.List<FormatIssue>();
            try
            {
                var model = OnnxModelReader.Read(stream, length);
                OnnxStructureValidator.Validate(model, issues);
                OnnxExternalDataValidator.Validate(model, null, issues);
            }
            catch (OnnxFormatException ex)
            {
                issues.Add(new FormatIssue(ex.Rule, ex.Offset, ex.Message));
            }

            return issues.Select(i => i.ToString()).ToArray();
        }
    }

    private sealed class CountingStream : Stream
    {
        private readonly Stream _inner;

        public CountingStream(Stream inner) => _inner = inner;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => _inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = _inner.Read(buffer, offset, count);
            BytesRead += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => _inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
