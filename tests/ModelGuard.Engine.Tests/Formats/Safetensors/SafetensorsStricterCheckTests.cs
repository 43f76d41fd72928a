using System;
using System.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Safetensors.SafetensorsTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>Checks the reference does not make (MG2101-MG2107): each its own rule, each on a file the reference accepts.</summary>
public sealed class SafetensorsStricterCheckTests
{
    private const string Tensor4 = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";

    [Fact]
    public void MG2101_duplicate_names_compared_after_unescaping()
    {
        var issues = Issues(File("{\"w\":" + Tensor4 + ",\"\\u0077\":" + Tensor4 + "}", 4));
        var issue = issues.Single(RuleIds.SafetensorsDuplicateTensorName);
        Assert.Single(issues);
        Assert.Contains("tensor name 'w' appears 2 times in the header (at offsets 9, 62)", issue.Message, StringComparison.Ordinal);
        Assert.Equal(62, issue.Offset);
        Assert.Equal(RuleSeverity.Error, issue.Rule.DefaultSeverity);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("../../etc/passwd", "contains '..'")]
    [InlineData("a..b", "contains '..'")]
    [InlineData("layers/0/weight", "contains '/'")]
    [InlineData("layers\\0", "contains '\\'")]
    [InlineData("w\n", "contains the control character U+000A")]
    [InlineData("w\u0000", "contains the control character U+0000")]
    [InlineData("w\u0085", "contains the control character U+0085")]
    public void MG2102_unsafe_names(string name, string reason)
    {
        var issues = Issues(new SafetensorsWriter().Tensor(name, "F32", 1));
        var issue = issues.Single(RuleIds.SafetensorsUnsafeTensorName);
        Assert.Single(issues);
        Assert.Contains(reason, issue.Message, StringComparison.Ordinal);
        Assert.Equal(RuleSeverity.Error, issue.Rule.DefaultSeverity);
    }

    [Fact]
    public void MG2102_ordinary_names_pass()
    {
        AssertClean(Issues(new SafetensorsWriter().Tensor("model.layers.0.self_attn.q_proj.weight", "F32", 1).Tensor("_orig_mod.w-1:0", "F32", 1).Tensor("\u00e9.\u4e2d", "F32", 1)));
    }

    [Fact]
    public void MG2103_oversized_metadata_value_and_total()
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt").Metadata("notes", new string('x', 70_000)).Tensor("w", "F32", 1);
        var issue = Issues(writer).Single(RuleIds.SafetensorsOversizedMetadata);
        Assert.Contains("value for key 'notes' is 70000 bytes, more than the 65536 bytes", issue.Message, StringComparison.Ordinal);
        Assert.Equal(RuleSeverity.Warning, issue.Rule.DefaultSeverity);

        var total = new SafetensorsWriter().Metadata("format", "pt").Tensor("w", "F32", 1);
        for (var i = 0; i < 20; i++)
        {
            total.Metadata("k" + i, new string('y', 60_000));
        }

        var totalIssue = Issues(total).Single(RuleIds.SafetensorsOversizedMetadata);
        Assert.Contains("holds 1200058 bytes of keys and values in 21 entries, more than the 1048576 bytes", totalIssue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2103_duplicate_metadata_keys()
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt").Metadata("format", "pt").Tensor("w", "F32", 1);
        var issue = Issues(writer).Single(RuleIds.SafetensorsOversizedMetadata);
        Assert.Contains("key 'format' appears 2 times", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_string_metadata_is_a_reference_error_not_a_warning()
    {
        var issues = Issues(new SafetensorsWriter().RawMetadata("{\"format\":\"pt\",\"epoch\":3}").Tensor("w", "F32", 1));
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderSchemaViolation }, issues.Ids());
    }

    [Theory]
    [InlineData((byte)'\t')]
    [InlineData((byte)'\r')]
    [InlineData((byte)'\n')]
    public void MG2104_padding_that_is_not_spaces(byte pad)
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 3).Padding(pad);
        var issue = Issues(writer).Single(RuleIds.SafetensorsHeaderPadding);
        var jsonLength = writer.HeaderJson().Length;
        Assert.Equal(8 + jsonLength, issue.Offset);
        Assert.Contains($"first at offset {8 + jsonLength}", issue.Message, StringComparison.Ordinal);
        Assert.Equal(RuleSeverity.Info, issue.Rule.DefaultSeverity);
    }

    [Fact]
    public void MG2105_misaligned_tensor_data()
    {
        var header = "{\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}";
        var file = File(header, 6);
        var issue = Issues(file).Single(RuleIds.SafetensorsMisalignedTensorData);
        var dataStart = file.Length - 6;
        Assert.Contains($"1 of 2 tensors starts at a file offset that is not a multiple of its element size; the first is 'b' (F32[1], 4-byte elements) at data offset 2, file offset {dataStart + 2}", issue.Message, StringComparison.Ordinal);
        Assert.Equal(RuleSeverity.Info, issue.Rule.DefaultSeverity);
    }

    [Fact]
    public void MG2105_header_length_breaks_alignment_of_every_tensor()
    {
        var writer = new SafetensorsWriter().Tensor("a", "F64", 1).Tensor("b", "F64", 1).Padding((byte)' ', 1);
        Assert.NotEqual(0, writer.HeaderBytes().Length % 8);
        var issue = Issues(writer).Single(RuleIds.SafetensorsMisalignedTensorData);
        Assert.StartsWith("2 of 2 tensors start", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2106_metadata_without_a_format_transformers_loads()
    {
        var missing = Issues(new SafetensorsWriter().Metadata("ss_network_dim", "16").Tensor("w", "F32", 1)).Single(RuleIds.SafetensorsUnknownMetadataFormat);
        Assert.Contains("no \"format\" entry", missing.Message, StringComparison.Ordinal);
        var other = Issues(new SafetensorsWriter().Metadata("format", "torch").Tensor("w", "F32", 1)).Single(RuleIds.SafetensorsUnknownMetadataFormat);
        Assert.Contains("format is 'torch'", other.Message, StringComparison.Ordinal);
        Assert.Equal(RuleSeverity.Info, other.Rule.DefaultSeverity);
        AssertClean(Issues(new SafetensorsWriter().Tensor("w", "F32", 1)));
    }

    [Fact]
    public void MG2107_forms_only_serde_accepts()
    {
        var array = Issues(File("{\"w\":[\"F32\",[1],[0,4]]}", 4));
        Assert.Equal(new[] { RuleIds.SafetensorsNonCanonicalTensorEntry }, array.Ids());
        Assert.Contains("written as an array", array[0].Message, StringComparison.Ordinal);

        var dtypeObject = Issues(File("{\"w\":{\"dtype\":{\"F32\":null},\"shape\":[1],\"data_offsets\":[0,4]}}", 4));
        Assert.Equal(new[] { RuleIds.SafetensorsNonCanonicalTensorEntry }, dtypeObject.Ids());
        Assert.Contains("{\"F32\": null}", dtypeObject[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stricter_findings_are_capped_per_rule()
    {
        var writer = new SafetensorsWriter();
        for (var i = 0; i < 25; i++)
        {
            writer.Tensor("bad/" + i, "F32", 1);
        }

        var issues = Issues(writer).Where(i => i.Rule.Id == RuleIds.SafetensorsUnsafeTensorName).ToList();
        Assert.Equal(11, issues.Count);
        Assert.Equal("15 more MG2102 problems in this file are not listed one by one", issues[^1].Message);
    }

    [Fact]
    public void Stricter_checks_still_run_when_a_reference_check_fails()
    {
        var writer = new SafetensorsWriter().Tensor("../x", "F32", 1).DataLength(0);
        Assert.Equal(new[] { RuleIds.SafetensorsIncompleteBuffer, RuleIds.SafetensorsUnsafeTensorName }, Issues(writer).Ids());
    }

    [Fact]
    public void Hostile_names_are_escaped_and_shortened_in_messages()
    {
        var name = "evil'\u202e" + new string('a', 500);
        var issue = Issues(new SafetensorsWriter().Tensor(name, "F32", 1).Tensor(name + "/", "F32", 1)).Single(RuleIds.SafetensorsUnsafeTensorName);
        Assert.StartsWith("tensor name 'evil\\u0027\\u202E", issue.Message, StringComparison.Ordinal);
        Assert.Contains("(507 characters)", issue.Message, StringComparison.Ordinal);
    }
}
