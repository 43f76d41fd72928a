using System.IO;
using System.Linq;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Gguf.GgufTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

public sealed class GgufValidFileTests
{
    [Theory]
    [InlineData("model.gguf")]
    [InlineData("model.bin")]
    [InlineData("weights")]
    public void A_written_file_is_gguf_and_clean_whatever_its_name(string name)
    {
        var content = GgufWriter.Typical().ToArray();
        var result = ModelGuard.Engine.Tests.Scanning.ScanHelpers.Scan(content, name);
        Assert.Equal(ContentFormat.Gguf, result.Format);
        Assert.True(result.Findings.Count == 0, ModelGuard.Engine.Tests.Scanning.ScanHelpers.Describe(result));
    }

    [Theory]
    [InlineData(2u, 32u, false)]
    [InlineData(3u, 64u, true)]
    [InlineData(3u, 1u, true)]
    [InlineData(3u, 4096u, true)]
    public void Versions_and_alignments_are_clean(uint version, uint alignment, bool key)
    {
        var writer = GgufWriter.Typical();
        writer.Version = version;
        writer.Alignment = alignment;
        writer.WriteAlignmentKey = key;
        var issues = Issues(writer.ToArray());
        Assert.True(issues.Count == 0, Describe(issues));
    }

    [Fact]
    public void Every_value_type_and_quantized_tensor_types_are_clean()
    {
        var writer = GgufWriter.Typical();
        writer.Add("x.u8", (byte)1).Add("x.i8", (sbyte)-1).Add("x.u16", (ushort)2).Add("x.i16", (short)-2).Add("x.i32", -3).Add("x.f32", 1.5f)
            .Add("x.bool", true).Add("x.u64", 5UL).Add("x.i64", -5L).Add("x.f64", 2.5).Add("x.empty", new GgufArray(8, new object[0]))
            .Add("x.u8s", new GgufArray(0, new object[] { (byte)1, (byte)2, (byte)3 }));
        writer.AddTensor("q4_0", 2, 64, 2);
        writer.AddTensor("q8_0", 8, 32);
        writer.AddTensor("q4_k", 12, 256);
        writer.AddTensor("q6_k", 14, 512, 3);
        writer.AddTensor("bf16", 30, 3, 3, 3, 3);
        writer.AddTensor("empty", 0, 0, 4);
        var issues = Issues(writer.ToArray());
        Assert.True(issues.Count == 0, Describe(issues));
    }

    [Fact]
    public void A_vocabulary_only_file_without_tensors_is_clean()
    {
        var content = new GgufWriter();
        content.Add("general.architecture", "llama").Add("tokenizer.ggml.model", "gpt2");
        var issues = Issues(content.ToArray());
        Assert.True(issues.Count == 0, Describe(issues));
    }

    [Fact]
    public void A_forward_only_stream_gets_the_same_clean_result()
    {
        var content = GgufRuleTests.Gzip(GgufWriter.Typical().ToArray());
        Assert.Empty(ScanIds(content, "model.gguf.gz"));
    }

    [Fact]
    public void A_pickle_named_gguf_is_reported_as_a_pickle_behind_another_extension()
    {
        var pickle = new byte[] { 0x80, 0x02, (byte)'K', 0x01, (byte)'.' };
        Assert.Equal(new[] { "MG3010" }, ScanIds(pickle, "model.gguf"));
    }

    [Fact]
    public void Only_the_first_problem_per_rule_ten_times_then_a_summary()
    {
        var writer = GgufWriter.Typical();
        for (var i = 0; i < 15; i++)
        {
            writer.Add("general.name", "again");
        }

        var issues = Issues(writer.ToArray()).Where(i => i.Rule.Id == "MG6006").ToList();
        Assert.Equal(11, issues.Count);
        Assert.Contains("5 more MG6006", issues[^1].Message, System.StringComparison.Ordinal);
    }
}
