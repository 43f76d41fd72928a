using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Scanning;

/// <summary>Containers are opened by content and every member is scanned, whatever its name, prefix or flags.</summary>
public sealed class ContainerScanningTests
{
    private static readonly byte[] EvilPickle = new PickleWriter().Proto(2).CallWithString("os", "system", "id").Stop().ToArray();

    [Fact]
    public void Benign_torch_checkpoint_is_clean()
    {
        var result = ScanHelpers.Scan(TorchCheckpointWriter.Benign("fc.weight", "fc.bias"), "model.pt");
        Assert.True(result.Findings.Count == 0, result.Describe());
        Assert.Equal(ContentFormat.Zip, result.Format);
    }

    [Fact]
    public void Malicious_torch_checkpoint_names_the_member()
    {
        var finding = ScanHelpers.Scan(TorchCheckpointWriter.Malicious(), "model.pt").Single(RuleIds.DangerousImport);
        Assert.Equal("archive/data.pkl", finding.ArchiveMember);
        Assert.StartsWith("in 'archive/data.pkl' at offset 2: loading the file would run shell commands or start processes: it calls os.system", finding.FormatMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("weights/notes.txt")]
    [InlineData("x/y/z/data/0")]
    [InlineData("README")]
    public void A_pickle_under_any_member_name_is_found(string name)
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
        zip.AddStored(name, EvilPickle);
        Assert.Equal(name, ScanHelpers.Scan(zip.ToArray()).Single(RuleIds.DangerousImport).ArchiveMember);
    }

    [Fact]
    public void Deflated_members_are_decompressed_and_scanned()
    {
        var zip = new ZipBuilder();
        zip.AddDeflated("archive/data.pkl", EvilPickle);
        ScanHelpers.Scan(zip.ToArray()).Single(RuleIds.DangerousImport);
    }

    [Fact]
    public void Duplicate_member_names_are_all_scanned()
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
        zip.AddStored("archive/data.pkl", EvilPickle);
        ScanHelpers.Scan(zip.ToArray()).Single(RuleIds.DangerousImport);
    }

    [Fact]
    public void Encrypted_flag_is_reported_and_the_raw_bytes_still_scanned()
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", EvilPickle).Flags = 0x1;
        var result = ScanHelpers.Scan(zip.ToArray());
        Assert.Equal(new[] { RuleIds.UninspectableContent, RuleIds.DangerousImport }, result.Ids());
    }

    [Fact]
    public void Unsupported_compression_is_reported_not_skipped()
    {
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", EvilPickle).Method = 14; // LZMA
        var finding = ScanHelpers.Scan(zip.ToArray()).Single(RuleIds.UninspectableContent);
        Assert.Contains("compression method 14", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_zip_is_reported()
    {
        var bytes = TorchCheckpointWriter.Malicious();
        var truncated = bytes.Take(bytes.Length - 30).ToArray();
        ScanHelpers.Scan(truncated).Single(RuleIds.UninspectableContent);
    }

    [Fact]
    public void A_zip_stored_inside_a_zip_is_scanned_with_a_nested_member_path()
    {
        var inner = TorchCheckpointWriter.Malicious();
        var outer = new ZipBuilder();
        outer.AddStored("bundle/model.pt", inner);
        var finding = ScanHelpers.Scan(outer.ToArray()).Single(RuleIds.DangerousImport);
        Assert.Equal("bundle/model.pt!/archive/data.pkl", finding.ArchiveMember);
    }

    [Fact]
    public void Nesting_beyond_the_limit_is_reported()
    {
        var bytes = TorchCheckpointWriter.Malicious();
        for (var i = 0; i < ScanOptions.Default.MaxContainerDepth; i++)
        {
            var zip = new ZipBuilder();
            zip.AddStored("level" + i + ".zip", bytes);
            bytes = zip.ToArray();
        }

        var finding = ScanHelpers.Scan(bytes).Single(RuleIds.ScanLimitExceeded);
        Assert.Contains("nesting limit", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_gzip_wrapped_pickle_is_decompressed_and_scanned()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(EvilPickle);
        }

        var finding = ScanHelpers.Scan(output.ToArray(), "model.pkl.gz").Single(RuleIds.DangerousImport);
        Assert.Equal("[gzip]", finding.ArchiveMember);
    }

    [Theory]
    [InlineData(new byte[] { 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0, 4 }, "7z archive")]
    [InlineData(new byte[] { (byte)'B', (byte)'Z', (byte)'h', (byte)'9', 0x31, 0x41 }, "bzip2 stream")]
    [InlineData(new byte[] { 0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0 }, "xz stream")]
    public void Seven_zip_and_broken_compressed_streams_are_reported(byte[] head, string what)
    {
        Assert.Contains(what, ScanHelpers.Scan(head).Single(RuleIds.UninspectableContent).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tensor_storage_that_starts_like_a_pickle_header_is_not_a_finding()
    {
        // 0x80 0x02 is a plausible first float of a storage; torch never unpickles data/<n> members.
        var storage = new byte[] { 0x80, 0x02, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44 };
        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
        zip.AddStored("archive/data/0", storage);
        var result = ScanHelpers.Scan(zip.ToArray());
        Assert.True(result.Findings.Count == 0, result.Describe());
    }

    [Fact]
    public void The_file_is_read_not_written()
    {
        var path = Path.Combine(Path.GetTempPath(), "modelguard-" + Guid.NewGuid().ToString("N") + ".pt");
        File.WriteAllBytes(path, TorchCheckpointWriter.Malicious());
        try
        {
            File.SetAttributes(path, FileAttributes.ReadOnly);
            var before = File.ReadAllBytes(path);
            var stamp = File.GetLastWriteTimeUtc(path);
            var result = new ModelScanner().ScanFile(path, "model.pt");
            result.Single(RuleIds.DangerousImport);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Equal(stamp, File.GetLastWriteTimeUtc(path));
        }
        finally
        {
            File.SetAttributes(path, FileAttributes.Normal);
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Missing_files_and_directories_get_MG9002(bool directory)
    {
        var path = directory ? Path.GetTempPath() : Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"));
        var finding = new ModelScanner().ScanFile(path, "models/x.pt").Single(RuleIds.UnreadableFile);
        Assert.Equal("models/x.pt", finding.FilePath);
        Assert.Contains(directory ? "directory" : "does not exist", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_data_that_only_looks_like_zlib_or_lzma_is_not_reported()
    {
        // zlib and .lzma have no magic number: their header checks pass for some ordinary data, which must stay quiet.
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[4096];
            random.NextBytes(bytes);
            if (i % 2 == 0)
            {
                bytes[0] = 0x78;
                bytes[1] = 0x9C;
            }
            else
            {
                bytes[0] = 0x5D;
                bytes[1] = 0x00;
                bytes[2] = 0x00;
                bytes[3] = 0x10;
                bytes[4] = 0x00;
                Array.Fill(bytes, (byte)0xFF, 5, 8);
            }

            var result = ScanHelpers.Scan(bytes, "weights.bin");
            Assert.True(result.Findings.Count == 0, $"seed case {i}: {result.Describe()}");
        }
    }

    [Fact]
    public void A_zlib_stream_cut_short_reports_what_it_found_and_the_cut()
    {
        using var output = new MemoryStream();
        using (var zlib = new ZLibStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            var incompressible = new byte[20000];
            new Random(7).NextBytes(incompressible);
            zlib.Write(new PickleWriter().Proto(4).CallWithString("os", "system", "id").BinBytes(incompressible).Stop().ToArray());
        }

        var truncated = output.ToArray().AsSpan(0, (int)output.Length - 40).ToArray();
        var result = ScanHelpers.Scan(truncated, "model.joblib");
        result.Single(RuleIds.DangerousImport);
        Assert.Contains("zlib stream cannot be decompressed", result.Single(RuleIds.UninspectableContent).Message, StringComparison.Ordinal);
    }
}
