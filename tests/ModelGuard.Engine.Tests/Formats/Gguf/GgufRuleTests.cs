using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Gguf.GgufTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

/// <summary>One crafted file per check: each must get exactly its rule (and the scan of the file must report it).</summary>
public sealed class GgufRuleTests
{
    internal static readonly Dictionary<string, (string Rule, Func<byte[]> Build)> Cases = new()
    {
        ["truncated in the counts"] = ("MG6001", () => GgufWriter.Typical().ToArray().Take(20).ToArray()),
        ["truncated in a value type"] = ("MG6001", () => Cut(new GgufWriter().Add("general.architecture", "llama").ToArray(), 24 + 8 + 20 + 2)),
        ["truncated in the padding"] = ("MG6001", () => TruncateBeforeData()),
        ["bad magic named .gguf"] = ("MG6002", () => Patch(GgufWriter.Typical().ToArray(), 0, (byte)'G', (byte)'G', (byte)'M', (byte)'L')),
        ["version 0"] = ("MG6002", () => Patch(GgufWriter.Typical().ToArray(), 4, 0, 0, 0, 0)),
        ["version 4"] = ("MG6002", () => Patch(GgufWriter.Typical().ToArray(), 4, 4, 0, 0, 0)),
        ["big-endian version"] = ("MG6002", () => Patch(GgufWriter.Typical().ToArray(), 4, 0, 0, 0, 3)),
        ["version 1"] = ("MG6002", () => With(w => w.Version = 1)),
        ["key-value count beyond the file"] = ("MG6003", () => With(w => w.KeyValueCountOverride = ulong.MaxValue)),
        ["tensor count beyond the file"] = ("MG6003", () => With(w => w.TensorCountOverride = 1UL << 40)),
        ["string length beyond the file"] = ("MG6003", () => With(w => w.Set("general.name", new GgufRawValue(8, BitConverter.GetBytes(ulong.MaxValue - 7))))),
        ["array length beyond the file"] = ("MG6003", () => With(w => w.Add("x.big", new GgufRawValue(9, Concat(BitConverter.GetBytes(4u), BitConverter.GetBytes(1UL << 40)))))),
        ["string array longer than the file"] = ("MG6003", () => With(w => w.Add("x.strings", new GgufRawValue(9, Concat(BitConverter.GetBytes(8u), BitConverter.GetBytes(1UL << 20)))))),
        ["value type 13"] = ("MG6004", () => With(w => w.Add("x.bad", new GgufRawValue(13, new byte[8])))),
        ["array element type 0xFFFFFFFF"] = ("MG6004", () => With(w => w.Add("x.bad", new GgufRawValue(9, Concat(BitConverter.GetBytes(uint.MaxValue), BitConverter.GetBytes(1UL)))))),
        ["array of arrays"] = ("MG6004", () => With(w => w.Add("x.nested", new GgufArray(9, new object[] { new GgufArray(4, new object[] { 1u, 2u }), new GgufArray(8, new object[] { "a" }) })))),
        ["removed tensor type 31"] = ("MG6005", () => With(w => { var t = w.AddTensor("t.removed", 0, 32); t.Type = 31; })),
        ["negative tensor type"] = ("MG6005", () => With(w => { var t = w.AddTensor("t.neg", 0, 32); t.Type = uint.MaxValue; })),
        ["duplicate key"] = ("MG6006", () => With(w => w.Add("general.name", "other"))),
        ["duplicate tensor name"] = ("MG6007", () => With(w => w.AddTensor("token_embd.weight", 0, 8))),
        ["tensor names equal up to NUL"] = ("MG6007", () => With(w => { w.AddTensor("a\0x", 0, 8); w.AddTensor("a\0y", 0, 8); })),
        ["empty key"] = ("MG6008", () => With(w => w.Add(string.Empty, 1u))),
        ["64-byte tensor name"] = ("MG6008", () => With(w => w.AddTensor(new string('n', 64), 0, 8))),
        ["five dimensions"] = ("MG6009", () => With(w => w.AddTensor("t.5d", 0, 1, 1, 1, 1, 1))),
        ["negative dimension"] = ("MG6009", () => With(w => { var t = w.AddTensor("t.neg", 0, 8); t.Dimensions = new[] { ulong.MaxValue }; })),
        ["zero second dimension"] = ("MG6009", () => With(w => w.AddTensor("t.zero", 0, 4, 0))),
        ["element count overflow"] = ("MG6010", () => With(w => { var t = w.AddTensor("t.huge", 0, 1UL << 32, 1UL << 32); t.DataLength = 0; })),
        ["byte size overflow"] = ("MG6010", () => With(w => { var t = w.AddTensor("t.bytes", 0, 1UL << 62); t.DataLength = 0; })),
        ["partial Q4_0 block"] = ("MG6011", () => With(w => { var t = w.AddTensor("t.q", 2, 33); t.DataLength = 18; })),
        ["alignment 24"] = ("MG6012", () => With(w => { w.WriteAlignmentKey = true; w.Alignment = 24; })),
        ["alignment as u64"] = ("MG6012", () => With(w => w.Add("general.alignment", 32UL))),
        ["misaligned offset"] = ("MG6013", () => With(w => w.Tensors[1].OffsetOverride = 4)),
        ["overlapping tensors"] = ("MG6014", () => With(w => w.Tensors[1].OffsetOverride = 0)),
        ["gap between tensors"] = ("MG6014", () => With(w => w.Tensors[1].OffsetOverride = 1024)),
        ["tensor past the end"] = ("MG6015", () => Cut(GgufWriter.Typical().ToArray(), GgufWriter.Typical().ToArray().Length - 64)),
        ["offset far past the end"] = ("MG6015", () => With(w => { w.Tensors[1].OffsetOverride = 1UL << 40; w.AddTensor("t.after", 0, 8).OffsetOverride = (1UL << 40) + 256; })),
        ["bytes after the data"] = ("MG6016", () => With(w => w.Trailing = new byte[100])),
        ["architecture not a string"] = ("MG6017", () => With(w => w.Set("general.architecture", 7u))),
        ["scores shorter than tokens"] = ("MG6017", () => With(w => w.Set("tokenizer.ggml.scores", new GgufArray(6, new object[] { 0f })))),
        ["chat template not a string"] = ("MG6017", () => With(w => w.Set("tokenizer.chat_template", new GgufArray(8, new object[] { "x" })))),
        ["template with __class__"] = ("MG6018", () => With(w => w.Set("tokenizer.chat_template", "{{ messages.__class__.__mro__ }}"))),
        ["named template with os.popen"] = ("MG6018", () => With(w => w.Add("tokenizer.chat_template.tool_use", "{{ cycler.__init__.__globals__.os.popen('id').read() }}"))),
        ["unclosed template tag"] = ("MG6019", () => With(w => w.Set("tokenizer.chat_template", "{% for m in messages %}{{ m['content'] }"))),
    };

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Crafted_file_gets_its_rule(string name)
    {
        var (rule, build) = Cases[name];
        var content = build();
        var issues = Issues(content);
        Assert.True(issues.Any(i => i.Rule.Id == rule), $"{name}: expected {rule}, got:\n{Describe(issues)}");
        var ids = ScanIds(content);
        Assert.Contains(rule, ids);
        var forwardIds = ScanIds(Gzip(content), "model.gguf.gz");
        if (rule is not ("MG6015" or "MG6016" or "MG6003" or "MG6001") && name != "bad magic named .gguf")
        {
            // Layout rules need the file length, which a forward-only stream does not have; structure rules do not. Content
            // that only its name calls GGUF and that began a pickle trial cannot be read again from a forward-only stream.
            Assert.Contains(rule, forwardIds);
        }
    }

    [Fact]
    public void Every_gguf_rule_has_a_crafted_file()
    {
        var covered = Cases.Values.Select(c => c.Rule).ToHashSet();
        var rules = ModelGuard.Engine.Rules.RuleCatalog.All.Where(r => r.Category == ModelGuard.Engine.Rules.RuleCategories.Gguf).Select(r => r.Id);
        Assert.All(rules, id => Assert.Contains(id, covered));
    }

    [Fact]
    public void A_tensor_data_section_that_is_missing_only_its_final_padding_is_clean_as_llama_cpp_reads_it()
    {
        var writer = GgufWriter.Typical();
        writer.PadLastTensor = false;
        var issues = Issues(writer.ToArray());
        Assert.True(issues.Count == 0, Describe(issues));
    }

    private static byte[] With(Action<GgufWriter> change)
    {
        var writer = GgufWriter.Typical();
        change(writer);
        return writer.ToArray();
    }

    /// <summary>Wrapped in gzip, the content reaches the GGUF reader as a forward-only stream of unknown length.</summary>
    internal static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(content, 0, content.Length);
        }

        return output.ToArray();
    }

    private static byte[] Cut(byte[] content, int length) => content.Take(length).ToArray();

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static byte[] TruncateBeforeData()
    {
        // A file whose infos end unaligned, cut between the end of the infos and the start of the data section.
        var writer = GgufWriter.Typical();
        var full = writer.ToArray();
        var infosEnd = InfosEnd(full);
        Assert.True(infosEnd % 32 != 0, "the typical file's infos must end unaligned for this case");
        return Cut(full, (int)infosEnd + 1);
    }

    private static long InfosEnd(byte[] content)
    {
        using var stream = new MemoryStream(content);
        var header = ModelGuard.Engine.Formats.Gguf.GgufHeaderReader.Read(stream, content.Length, new ModelGuard.Engine.Formats.Gguf.GgufIssueList());
        return header.InfosEnd;
    }
}
