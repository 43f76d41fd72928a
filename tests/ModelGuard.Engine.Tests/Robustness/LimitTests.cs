using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Every hard bound of the README's "Limits" table, reached with a crafted file: the scan ends with a finding that says the
/// content was not verified (never a silent pass, never an exception), quickly and without holding what it refuses in memory.
/// </summary>
public sealed class LimitTests
{
    private const int BombPayload = 16 * 1024 * 1024;

    private static readonly string LimitFixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "limits");

    /// <summary>PROTO 4, BINBYTES8 of <paramref name="payload"/> zeros, NONE, STOP: every decompressed byte must be read to reach STOP.</summary>
    internal static byte[] PickleWithZeros(int payload)
    {
        var pickle = new byte[2 + 9 + payload + 2];
        pickle[0] = 0x80;
        pickle[1] = 4;
        pickle[2] = 0x8e;
        BinaryPrimitives.WriteUInt64LittleEndian(pickle.AsSpan(3), (ulong)payload);
        pickle[^2] = (byte)'N';
        pickle[^1] = (byte)'.';
        return pickle;
    }

    private static ScanResult Scan(byte[] content, string name, ScanOptions options)
    {
        using var stream = new MemoryStream(content, writable: false);
        var result = new ModelScanner(options).Scan(stream, name);
        Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.InternalError);
        return result;
    }

    private static Finding Limit(ScanResult result, string id = RuleIds.ScanLimitExceeded)
    {
        var matching = result.Findings.Where(f => f.Rule.Id == id).ToArray();
        Assert.True(matching.Length >= 1, $"expected {id} but got:\n{result.Describe()}");
        return matching[0];
    }

    [Theory]
    [InlineData("pickle_bomb_4m.bz2", "[bzip2]")]
    [InlineData("pickle_bomb_4m.xz", "[xz]")]
    [InlineData("pickle_bomb_4m.lzma", "[lzma]")]
    public void Compressed_bombs_stop_at_the_per_stream_limit(string file, string member)
    {
        var bytes = File.ReadAllBytes(Path.Combine(LimitFixtures, file));
        Assert.True(bytes.Length < 4096, "the fixture is a small bomb");
        var result = Scan(bytes, file.Replace("4m", "model", StringComparison.Ordinal) + ".pkl", new ScanOptions { MaxDecompressedBytes = 1024 * 1024 });
        var finding = Limit(result);
        Assert.Equal(member, finding.ArchiveMember);
        Assert.Contains("1048576 bytes", finding.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDecompressedBytes", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pickle_bomb_4m.bz2")]
    [InlineData("pickle_bomb_4m.xz")]
    [InlineData("pickle_bomb_4m.lzma")]
    public void The_same_bombs_pass_under_the_default_limit(string file)
    {
        var result = Scan(File.ReadAllBytes(Path.Combine(LimitFixtures, file)), "model.pkl", ScanOptions.Default);
        Assert.True(result.Findings.Count == 0, result.Describe());
    }

    [Fact]
    public void Gzip_and_zlib_bombs_stop_at_the_per_stream_limit()
    {
        var pickle = PickleWithZeros(BombPayload);
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            compressor.Write(pickle);
        }

        using var zlib = new MemoryStream();
        using (var compressor = new ZLibStream(zlib, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            compressor.Write(pickle);
        }

        var options = new ScanOptions { MaxDecompressedBytes = 1024 * 1024 };
        Assert.Equal("[gzip]", Limit(Scan(gzip.ToArray(), "model.pkl.gz", options)).ArchiveMember);
        Assert.Equal("[zlib]", Limit(Scan(zlib.ToArray(), "model.joblib", options)).ArchiveMember);
    }

    [Fact]
    public void A_zip_deflate_bomb_stops_at_the_per_stream_limit_and_the_other_members_are_still_scanned()
    {
        var zip = new ZipBuilder();
        zip.AddDeflated("bomb/data.pkl", PickleWithZeros(BombPayload));
        zip.AddStored("evil/data.pkl", new PickleWriter().Proto(2).CallWithString("os", "system", "id").Stop().ToArray());
        var result = Scan(zip.ToArray(), "model.pt", new ScanOptions { MaxDecompressedBytes = 1024 * 1024 });
        Assert.Equal("bomb/data.pkl", Limit(result).ArchiveMember);
        Assert.Equal("evil/data.pkl", result.Single(RuleIds.DangerousImport).ArchiveMember);
    }

    [Fact]
    public void Members_sharing_one_compressed_kernel_stop_at_the_budget_of_the_file()
    {
        // A non-recursive zip bomb: 40 central records point at the same 16 KiB of deflate data, 16 MiB each when inflated.
        var zip = new ZipBuilder();
        var kernel = zip.AddDeflated("k/data.pkl", PickleWithZeros(BombPayload));
        for (var i = 0; i < 40; i++)
        {
            var alias = zip.AddDeflated("k/data.pkl", Array.Empty<byte>());
            alias.Payload = Array.Empty<byte>();
            alias.CompressedSizeOverride = kernel.Payload.Length;
            alias.UncompressedSize = kernel.UncompressedSize;
            alias.Crc32 = kernel.Crc32;
            alias.LocalHeaderOffsetOverride = 0;
        }

        var options = new ScanOptions { MaxDecompressedBytes = 32L * 1024 * 1024, MaxTotalDecompressedBytes = 100L * 1024 * 1024 };
        var result = Scan(zip.ToArray(), "model.pt", options);
        var finding = Limit(result);
        Assert.Equal("k/data.pkl", finding.ArchiveMember);
        Assert.Contains("MaxTotalDecompressedBytes", finding.Message, StringComparison.Ordinal);
        Assert.Contains("104857600", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_wrappers_nested_past_the_depth_limit_are_reported()
    {
        var bytes = new PickleWriter().Proto(2).CallWithString("os", "system", "id").Stop().ToArray();
        for (var i = 0; i < 6; i++)
        {
            using var output = new MemoryStream();
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(bytes);
            }

            bytes = output.ToArray();
        }

        var finding = Limit(Scan(bytes, "model.pkl.gz", ScanOptions.Default));
        Assert.Contains("nesting limit of 4", finding.Message, StringComparison.Ordinal);
        Assert.Equal("[gzip]!/[gzip]!/[gzip]!/[gzip]", finding.ArchiveMember);
    }

    [Fact]
    public void A_zip_with_more_entries_than_the_limit_is_reported()
    {
        var zip = new ZipBuilder();
        for (var i = 0; i < 101; i++)
        {
            zip.AddStored("m/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), new byte[] { 1 });
        }

        var finding = Limit(Scan(zip.ToArray(), "model.pt", new ScanOptions { MaxArchiveEntries = 100 }));
        Assert.Contains("more than 100 entries", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tar_with_more_entries_than_the_limit_is_reported()
    {
        using var output = new MemoryStream();
        using (var tar = new System.Formats.Tar.TarWriter(output, System.Formats.Tar.TarEntryFormat.Ustar, leaveOpen: true))
        {
            for (var i = 0; i < 101; i++)
            {
                var entry = new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "f" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                {
                    DataStream = new MemoryStream(new byte[] { 1 }),
                };
                tar.WriteEntry(entry);
            }
        }

        var finding = Limit(Scan(output.ToArray(), "bundle.tar", new ScanOptions { MaxArchiveEntries = 100 }));
        Assert.Contains("more than 100 entries", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip64_end_record_declaring_2_to_the_64_entries_is_refused_before_anything_is_allocated()
    {
        var zip = new ZipBuilder { Zip64 = true, EntryCountOverride = -1 };
        zip.AddStored("archive/data.pkl", new PickleWriter().Proto(2).None().Stop().ToArray());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Scan(zip.ToArray(), "model.pt", ScanOptions.Default);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024);
        Assert.Contains(result.Findings, f => f.Rule.Id is RuleIds.UninspectableContent or RuleIds.ScanLimitExceeded);
    }

    /// <summary>os.system('id') called, then <paramref name="pairs"/> times NONE, POP: takes seconds to simulate, compresses to almost nothing.</summary>
    private static byte[] LongPickle(int pairs)
    {
        var head = new PickleWriter().Proto(2).CallWithString("os", "system", "id").ToArray();
        var pickle = new byte[head.Length + (2 * pairs) + 1];
        head.CopyTo(pickle, 0);
        for (var i = head.Length; i < pickle.Length - 1; i += 2)
        {
            pickle[i] = (byte)'N';
            pickle[i + 1] = (byte)'0';
        }

        pickle[^1] = (byte)'.';
        return pickle;
    }

    [Fact]
    public void The_time_limit_stops_a_long_pickle_and_keeps_what_was_found_before()
    {
        var result = Scan(LongPickle(40_000_000), "model.pkl", new ScanOptions { MaxScanTime = TimeSpan.FromSeconds(1) });
        var finding = Limit(result, RuleIds.ScanTimeLimitExceeded);
        Assert.Null(finding.ArchiveMember);
        Assert.Contains("time limit of 1 second (ScanOptions.MaxScanTime)", finding.Message, StringComparison.Ordinal);
        result.Single(RuleIds.DangerousImport);
    }

    [Fact]
    public void The_time_limit_stops_a_decompression_and_names_the_member()
    {
        using var gzip = new MemoryStream();
        using (var compressor = new GZipStream(gzip, CompressionLevel.Fastest, leaveOpen: true))
        {
            compressor.Write(LongPickle(40_000_000));
        }

        var zip = new ZipBuilder();
        zip.AddStored("archive/data.pkl.gz", gzip.ToArray());
        var result = Scan(zip.ToArray(), "model.pt", new ScanOptions { MaxScanTime = TimeSpan.FromSeconds(1) });
        Assert.Equal("archive/data.pkl.gz!/[gzip]", Limit(result, RuleIds.ScanTimeLimitExceeded).ArchiveMember);
        Assert.Equal("archive/data.pkl.gz!/[gzip]", result.Single(RuleIds.DangerousImport).ArchiveMember);
    }

    [Fact]
    public void Without_a_time_limit_nothing_stops_the_scan()
    {
        var result = Scan(TorchCheckpointWriter.Malicious(), "model.pt", new ScanOptions { MaxScanTime = TimeSpan.Zero });
        result.Single(RuleIds.DangerousImport);
        Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.ScanTimeLimitExceeded);
    }

    [Fact]
    public void The_stack_limit_is_reported_as_an_undecodable_pickle()
    {
        var pickle = new byte[PickleSimulator.MaxStackDepth + 4];
        pickle[0] = 0x80;
        pickle[1] = 2;
        pickle.AsSpan(2, PickleSimulator.MaxStackDepth + 1).Fill((byte)'N');
        pickle[^1] = (byte)'.';
        var finding = Scan(pickle, "model.pkl", ScanOptions.Default).Single(RuleIds.PickleDecodeFailure);
        Assert.Contains("stack grows beyond 1000000", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mark_limit_is_reported_as_an_undecodable_pickle()
    {
        var pickle = new byte[PickleSimulator.MaxMarks + 4];
        pickle[0] = 0x80;
        pickle[1] = 2;
        pickle.AsSpan(2, PickleSimulator.MaxMarks + 1).Fill((byte)'(');
        pickle[^1] = (byte)'.';
        var finding = Scan(pickle, "model.pkl", ScanOptions.Default).Single(RuleIds.PickleDecodeFailure);
        Assert.Contains("more than 100000 open MARKs", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Memo_indices_up_to_2_to_the_32_are_stored_sparsely()
    {
        // LONG_BINPUT 0xFFFFFFFF and PUT 2^40: a memo sized by its largest index would need 32 GiB and more.
        var pickle = new PickleWriter().Proto(2).Global("os", "system").LongBinPut(0xFFFFFFFF).Op((byte)'p').Raw("1099511627776\n")
            .LongBinGet(0xFFFFFFFF).BinUnicode("id").Tuple1().Reduce().Op((byte)'g').Raw("1099511627776\n").Tuple2().Stop().ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = Scan(pickle, "model.pkl", ScanOptions.Default);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 16 * 1024 * 1024, "the memo must not be preallocated from an index");
        Assert.Contains("with REDUCE at offset", result.Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.PickleDecodeFailure);
    }

    [Fact]
    public void The_memo_entry_limit_is_reported_as_an_undecodable_pickle()
    {
        // MEMOIZE numbers entries 0, 1, 2, ...: one byte per entry, stored densely (8 bytes each).
        var pickle = new byte[PickleSimulator.MaxMemoEntries + 5];
        pickle[0] = 0x80;
        pickle[1] = 4;
        pickle[2] = (byte)'N';
        pickle.AsSpan(3, PickleSimulator.MaxMemoEntries + 1).Fill(0x94);
        pickle[^1] = (byte)'.';
        var finding = Scan(pickle, "model.pkl", ScanOptions.Default).Single(RuleIds.PickleDecodeFailure);
        Assert.Contains("more than 50000000 memo entries", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Joblib_object_arrays_nested_past_the_limit_are_reported_not_recursed_into()
    {
        // Each level is a joblib NumpyArrayWrapper of dtype object, whose BUILD makes joblib unpickle the nested pickle that
        // follows. Unbounded, this recursion overflowed the stack (a crashed build) at some 10,000 levels.
        using var output = new MemoryStream();
        const int levels = 20_000;
        for (var i = 0; i < levels; i++)
        {
            new PickleWriter(output).Proto(2)
                .Global("joblib.numpy_pickle", "NumpyArrayWrapper").EmptyTuple().Reduce()
                .EmptyDict().BinUnicode("dtype").Global("numpy", "dtype").BinUnicode("O8").Tuple1().Reduce().SetItem()
                .Build();
        }

        var tail = new PickleWriter(output).None().Stop();
        for (var i = 0; i < levels; i++)
        {
            tail.Stop();
        }

        var finding = Scan(output.ToArray(), "model.joblib", ScanOptions.Default).Single(RuleIds.PickleDecodeFailure);
        Assert.Contains("nest more than 32 pickles deep", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safetensors_header_size_and_json_depth_limits_are_reported()
    {
        var huge = new SafetensorsWriter().Tensor("w", "F32", 1).DeclaredLength(100_000_001).ToArray();
        Assert.Contains(RuleIds.SafetensorsHeaderTooLarge, Scan(huge, "model.safetensors", ScanOptions.Default).Ids());

        var deep = new SafetensorsWriter().Header("{\"__metadata__\": {\"a\": \"b\"}, \"x\": " + new string('[', 200) + new string(']', 200) + "}").ToArray();
        var finding = Scan(deep, "model.safetensors", ScanOptions.Default).Findings.First(f => f.Rule.Id == RuleIds.SafetensorsHeaderNotJson);
        Assert.Contains("recursion limit", finding.Message, StringComparison.Ordinal);
    }
}
