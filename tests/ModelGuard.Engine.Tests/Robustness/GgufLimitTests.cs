using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Gguf;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>What a crafted GGUF header can make the reader spend: bounded memory, no recursion, the entry limit.</summary>
public sealed class GgufLimitTests
{
    [Fact]
    public void Arrays_nested_a_hundred_thousand_deep_are_read_without_recursion()
    {
        // Each level is an array of one array: 12 bytes a level, the innermost an empty u8 array.
        const int depth = 100_000;
        var payload = new MemoryStream();
        var w = new BinaryWriter(payload);
        for (var i = 0; i < depth; i++)
        {
            w.Write(9u);
            w.Write(1UL);
        }

        w.Write(0u);
        w.Write(0UL);
        var bytes = new GgufWriter().Add("x.deep", new GgufRawValue(9, payload.ToArray())).ToArray();
        var result = ScanHelpers.Scan(bytes, "model.gguf");
        Assert.Equal(new[] { RuleIds.GgufInvalidValueType }, result.Ids());
    }

    [Fact]
    public void More_entries_than_the_limit_are_refused_before_any_is_read()
    {
        // Enough bytes after the counts that the declared count fits the file: the entry limit, not the length check, decides.
        var writer = new GgufWriter { KeyValueCountOverride = GgufHeaderReader.MaxEntries + 1UL, Trailing = new byte[20 * (GgufHeaderReader.MaxEntries + 1)] };
        writer.Add("general.architecture", "llama");
        var bytes = writer.ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = ScanHelpers.Scan(bytes, "model.gguf");
        Assert.Contains(RuleIds.ScanLimitExceeded, result.Ids());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 8L * 1024 * 1024);
    }

    [Fact]
    public void A_million_token_vocabulary_is_streamed_not_kept()
    {
        var tokens = Enumerable.Range(0, 1_000_000).Select(i => (object)("t" + i)).ToArray();
        var writer = GgufWriter.Typical();
        writer.Set("tokenizer.ggml.tokens", new GgufArray(8, tokens));
        writer.Remove("tokenizer.ggml.scores").Remove("tokenizer.ggml.token_type");
        var bytes = writer.ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var result = ScanHelpers.Scan(bytes, "model.gguf");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(result.Findings);
        Assert.True(allocated < 4L * 1024 * 1024, $"allocated {allocated} bytes for a {bytes.Length}-byte header");
    }

    [Fact]
    public void A_string_longer_than_llama_cpp_reads_is_refused_even_when_present()
    {
        var head = new GgufWriter().Add("general.name", new GgufRawValue(8, BitConverter.GetBytes((1UL << 30) + 1))).ToArray();
        using var sparse = new SparseStream(head, (1L << 30) + 64, Array.Empty<byte>());
        var result = new ModelScanner().Scan(sparse, "model.gguf");
        var finding = result.Single(RuleIds.GgufLengthBeyondContent);
        Assert.Contains("2^30", finding.Message, StringComparison.Ordinal);
        Assert.True(sparse.BytesRead < 1024 * 1024, $"read {sparse.BytesRead} bytes");
    }
}
