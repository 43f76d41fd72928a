using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Safetensors;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Safetensors.SafetensorsTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>Validation reads the length field and the header, never the tensor bytes, and survives hostile input.</summary>
public sealed class SafetensorsHeaderOnlyTests
{
    private const string Alphabet = "{}[]\",:0123456789.eE-\\u \t";

    [Fact]
    public void A_10_GB_model_validates_from_its_header_alone()
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        for (var layer = 0; layer < 1250; layer++)
        {
            foreach (var projection in new[] { "q_proj", "k_proj", "v_proj", "o_proj" })
            {
                writer.Tensor($"model.layers.{layer}.self_attn.{projection}.weight", "F16", 1024, 1024);
            }
        }

        using var stream = writer.ToSparseStream();
        var headerSize = writer.Prefix().Length;
        Assert.True(stream.Length > 10_000_000_000L);
        Assert.True(headerSize > 300_000);

        var validation = SafetensorsValidator.Validate(stream, stream.Length);
        AssertClean(validation.Issues);
        Assert.Equal(5000, validation.Header!.Entries.Count);
        Assert.Equal(headerSize, stream.BytesRead);
        Assert.True(stream.BytesRead < headerSize + (64 * 1024));
    }

    [Fact]
    public void The_scanner_reads_the_header_and_no_tensor_data()
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        for (var i = 0; i < 2000; i++)
        {
            writer.Tensor($"w.{i}", "BF16", 2048, 1024);
        }

        using var stream = writer.ToSparseStream();
        var result = new ModelScanner().Scan(stream, "model.safetensors");
        Assert.True(result.Findings.Count == 0, string.Join("\n", result.Findings));
        Assert.Equal(ContentFormat.Safetensors, result.Format);

        // Besides the header, only the sniffed head and the tail the appended-archive check reads (at most 64 KiB + 22).
        Assert.True(stream.BytesRead < writer.Prefix().Length + (2 * 64 * 1024) + 1024, $"read {stream.BytesRead} bytes for a {writer.Prefix().Length}-byte header");
    }

    [Fact]
    public void A_forward_only_stream_is_counted_not_kept()
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 1024, 1024).Trailing(new byte[3]);
        using var forwardOnly = new ForwardOnlyStream(writer.ToSparseStream());
        var validation = SafetensorsValidator.Validate(forwardOnly, null);
        Assert.Equal(new[] { Engine.Rules.RuleIds.SafetensorsIncompleteBuffer }, validation.Issues.Ids());
        Assert.Contains("the last 3 bytes belong to no tensor", validation.Issues[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_forward_only_stream_shorter_than_its_header_is_out_of_bounds()
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 4);
        var prefix = writer.Prefix();
        using var forwardOnly = new ForwardOnlyStream(new MemoryStream(prefix, 0, prefix.Length - 5));
        var validation = SafetensorsValidator.Validate(forwardOnly, null);
        Assert.Equal(new[] { Engine.Rules.RuleIds.SafetensorsHeaderLengthOutOfBounds }, validation.Issues.Ids());
        Assert.Contains($"only {prefix.Length - 13} bytes follow it", validation.Issues[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Mutated_headers_never_throw()
    {
        var original = new SafetensorsWriter()
            .Metadata("format", "pt")
            .Tensor("a", "F32", 2, 3)
            .Tensor("b", "F4", 4)
            .Tensor("c\u00e9", "BF16", 5)
            .ToArray();
        var random = new Random(1234);
        for (var round = 0; round < 3000; round++)
        {
            var mutated = (byte[])original.Clone();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits; e++)
            {
                var at = random.Next(mutated.Length);
                mutated[at] = random.Next(4) switch
                {
                    0 => (byte)random.Next(256),
                    1 => (byte)Alphabet[random.Next(Alphabet.Length)],
                    2 => 0,
                    _ => (byte)(mutated[at] ^ (1 << random.Next(8))),
                };
            }

            var cut = random.Next(4) == 0 ? random.Next(mutated.Length) : mutated.Length;
            var input = mutated.AsSpan(0, cut).ToArray();
            var issues = Issues(input);
            Assert.All(issues, i => Assert.False(string.IsNullOrEmpty(i.Message)));
        }
    }

    [Fact]
    public void Garbage_of_every_short_length_gets_a_finding()
    {
        var random = new Random(99);
        for (var length = 0; length < 64; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            Assert.NotEmpty(Issues(bytes));
        }
    }
}
