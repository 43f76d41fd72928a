using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Safetensors.SafetensorsTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>One invalid file per reference check (MG2001-MG2011): the check's rule, and only it, with the numbers in the message.</summary>
public sealed class SafetensorsReferenceCheckTests
{
    private const string W = "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}";

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(7)]
    public void MG2001_content_shorter_than_the_length_field(int length)
    {
        var issue = Issues(new byte[length]).Single(RuleIds.SafetensorsHeaderTooSmall);
        Assert.Contains($"is {length} bytes long", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2002_header_length_above_the_limit_comes_before_the_file_size()
    {
        var issues = Issues(new SafetensorsWriter().Tensor("w", "F32", 4).DeclaredLength(100_000_001).ToArray());
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderTooLarge }, issues.Ids());
        Assert.Contains("100000001 bytes", issues[0].Message, StringComparison.Ordinal);
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderTooLarge }, Issues(new SafetensorsWriter().DeclaredLength(ulong.MaxValue).ToArray()).Ids());
    }

    [Fact]
    public void MG2003_header_length_past_the_end_of_the_file()
    {
        var file = new SafetensorsWriter().Tensor("w", "F32", 4).DeclaredLength(1000).ToArray();
        var issue = Issues(file).Single(RuleIds.SafetensorsHeaderLengthOutOfBounds);
        Assert.Contains($"says 1000 bytes but only {file.Length - 8} bytes follow it", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2004_header_not_utf8()
    {
        var header = Encoding.UTF8.GetBytes("{\"wX\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        header[3] = 0xC0;
        var file = new SafetensorsWriter().HeaderBytes(header).DataLength(16).ToArray();
        var issue = Issues(file).Single(RuleIds.SafetensorsHeaderNotUtf8);
        Assert.Equal(8 + 3, issue.Offset);
        Assert.Contains("offset 11", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2004_utf8_is_decided_before_json_like_the_reference()
    {
        // A JSON error at the start and a bad byte at the end: the reference runs from_utf8 over the whole header first.
        var header = Encoding.ASCII.GetBytes("{x                 ");
        header[^1] = 0xFF;
        var issues = Issues(new SafetensorsWriter().HeaderBytes(header).ToArray());
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderNotUtf8 }, issues.Ids());
        Assert.Equal(8 + header.Length - 1, issues[0].Offset);
    }

    [Theory]
    [InlineData("{" + W + "}\0\0\0\0", "trailing characters")]
    [InlineData("{" + W + "} x", "trailing characters")]
    [InlineData("{" + W + ",}", "trailing comma")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16],\"x\":1e400}}", "out of range")]
    [InlineData("\ufeff{" + W + "}", "expected a value")]
    [InlineData("{" + W + "", "ends inside an object")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16],\"x\":\"a\u0001\"}}", "control character")]
    public void MG2005_header_not_one_json_value(string header, string reason)
    {
        var file = new SafetensorsWriter().HeaderBytes(Encoding.UTF8.GetBytes(header)).DataLength(16).ToArray();
        var issue = Issues(file).Single(RuleIds.SafetensorsHeaderNotJson);
        Assert.Contains(reason, issue.Message, StringComparison.Ordinal);
        Assert.Contains($"the {Encoding.UTF8.GetByteCount(header)}-byte header", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2005_nul_padding_fails_where_space_padding_passes()
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 3).Padding(0);
        var json = writer.HeaderJson();
        Assert.NotEqual(0, Encoding.UTF8.GetByteCount(json) % 8);
        var issue = Issues(writer).Single(RuleIds.SafetensorsHeaderNotJson);
        Assert.Equal(8 + Encoding.UTF8.GetByteCount(json), issue.Offset);
        Assert.Contains("byte 0x00", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2005_zero_header_length()
    {
        var file = new byte[8];
        var issue = Issues(file).Single(RuleIds.SafetensorsHeaderNotJson);
        Assert.Contains("header length is 0", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2005_nesting_beyond_serde_json_limit()
    {
        // The top-level object and the tensor are levels 1 and 2; 125 more levels parse, the 128th container fails.
        var ok = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16],\"x\":" + new string('[', 125) + new string(']', 125) + "}}";
        AssertClean(Issues(File(ok, 16)));
        var deep = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16],\"x\":" + new string('[', 126) + new string(']', 126) + "}}";
        var issue = Issues(File(deep, 16)).Single(RuleIds.SafetensorsHeaderNotJson);
        Assert.Contains("recursion limit", issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "is an array, not a JSON object")]
    [InlineData("\"x\"", "is a string, not a JSON object")]
    [InlineData("{\"__metadata__\":{\"format\":1}}", "value for key 'format' is a number")]
    [InlineData("{\"__metadata__\":[]}", "\"__metadata__\" is an array")]
    [InlineData("{\"__metadata__\":{\"format\":\"pt\"},\"__metadata__\":null}", "second \"__metadata__\"")]
    [InlineData("{\"w\":{\"dtype\":\"f32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "dtype 'f32', which is not a safetensors dtype")]
    [InlineData("{\"w\":{\"dtype\":\"F128\",\"shape\":[4],\"data_offsets\":[0,16]}}", "dtype 'F128'")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4]}}", "no \"data_offsets\" field")]
    [InlineData("{\"w\":{\"shape\":[4],\"data_offsets\":[0,16]}}", "no \"dtype\" field")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16.0]}}", "the floating-point number 16.0 in data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,1e1]}}", "the floating-point number 1e1 in data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-0,16]}}", "the floating-point number -0 in data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[-1,16]}}", "the negative integer -1 in data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,18446744073709551616]}}", "the floating-point number 18446744073709551616")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16,32]}}", "3 elements in data_offsets; it must have exactly 2")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16]}}", "1 element in data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[4.0],\"data_offsets\":[0,16]}}", "the floating-point number 4.0 in shape")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":[\"4\"],\"data_offsets\":[0,16]}}", "a string in shape")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,16]}}", "shape that is a number")]
    [InlineData("{\"w\":\"F32\"}", "is a string, not an object")]
    [InlineData("{\"w\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "second \"dtype\" field")]
    [InlineData("{\"w\":{\"dtype\":{\"F32\":null,\"F16\":null},\"shape\":[4],\"data_offsets\":[0,16]}}", "dtype object with 2 members")]
    [InlineData("{\"w\":{\"dtype\":{\"F32\":1},\"shape\":[4],\"data_offsets\":[0,16]}}", "dtype object whose value is a number")]
    [InlineData("{\"w\":[\"F32\",[4]]}", "array of 2 elements")]
    [InlineData("{\"w\":[\"F32\",[4],[0,16],1]}", "array of 4 elements")]
    public void MG2006_schema(string header, string reason)
    {
        var issues = Issues(File(header, 16));
        var issue = issues.Single(RuleIds.SafetensorsHeaderSchemaViolation);
        Assert.Contains(reason, issue.Message, StringComparison.Ordinal);
        Assert.Single(issues);
    }

    [Fact]
    public void MG2006_tensor_schema_errors_wait_for_the_whole_object_like_serde_flatten()
    {
        // Tensor entries are buffered and converted after the closing brace: a later syntax error wins ...
        var syntaxLater = "{\"w\":{\"dtype\":\"f32\",\"shape\":[4],\"data_offsets\":[0,16]},\"x\":[1 2]}";
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderNotJson }, Issues(File(syntaxLater, 16)).Ids());

        // ... but trailing characters are only checked after the object was converted.
        var trailingLater = "{\"w\":{\"dtype\":\"f32\",\"shape\":[4],\"data_offsets\":[0,16]}} x";
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderSchemaViolation }, Issues(File(trailingLater, 16)).Ids());

        // __metadata__ is a named field, checked as it is read: its error wins over a later syntax error.
        var metadataFirst = "{\"__metadata__\":{\"a\":1},\"x\":[1 2]}";
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderSchemaViolation }, Issues(File(metadataFirst, 0)).Ids());
    }

    [Fact]
    public void MG2006_reports_the_first_tensor_in_document_order()
    {
        var header = "{\"a\":{\"dtype\":\"X1\",\"shape\":[4],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"X2\",\"shape\":[4],\"data_offsets\":[16,32]}}";
        var issue = Issues(File(header, 32)).Single(RuleIds.SafetensorsHeaderSchemaViolation);
        Assert.Contains("'X1'", issue.Message, StringComparison.Ordinal);
        Assert.Equal(8 + header.IndexOf("\"X1\"", StringComparison.Ordinal), issue.Offset);
    }

    [Fact]
    public void MG2007_gap_between_tensors()
    {
        var writer = new SafetensorsWriter().Tensor("a", "F32", 4).Tensor("b", "F32", 4).Offsets("b", 32, 48).DataLength(48);
        var issue = Issues(writer).Single(RuleIds.SafetensorsInvalidOffsets);
        Assert.Equal("tensor 'b' has data_offsets [32, 48] but the previous tensor 'a' ends at byte 16: bytes 16 to 32 belong to no tensor", issue.Message);
    }

    [Fact]
    public void MG2007_overlap_and_first_not_at_zero()
    {
        Assert.Contains("the two overlap", Issues(new SafetensorsWriter().Tensor("a", "F32", 4).Tensor("b", "F32", 4).Offsets("b", 8, 24).DataLength(24)).Single(RuleIds.SafetensorsInvalidOffsets).Message, StringComparison.Ordinal);
        Assert.Contains("the first tensor must start at byte 0", Issues(new SafetensorsWriter().Tensor("a", "F32", 4).Offsets("a", 4, 20).DataLength(20)).Single(RuleIds.SafetensorsInvalidOffsets).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2007_end_before_start()
    {
        var issue = Issues(new SafetensorsWriter().Tensor("a", "F32", 4).Offsets("a", 0, 16).Tensor("b", "F32", 0).Offsets("b", 16, 8)).Single(RuleIds.SafetensorsInvalidOffsets);
        Assert.Equal("tensor 'b' has data_offsets [16, 8]: its end is before its start", issue.Message);
    }

    [Theory]
    [InlineData("[4294967296,4294967296]", "shape [4294967296, 4294967296], whose element count overflows 64 bits")]
    [InlineData("[1099511627776,1099511627776,0]", "overflows 64 bits")]
    [InlineData("[2305843009213693952]", "2305843009213693952 elements of 32 bits overflow")]
    public void MG2008_size_overflow(string shape, string reason)
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 1).RawShape("w", shape).Offsets("w", 0, 4);
        var issue = Issues(writer).Single(RuleIds.SafetensorsSizeOverflow);
        Assert.Contains(reason, issue.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("F4", 3, "F4[3]: 3 elements of 4 bits are 12 bits")]
    [InlineData("F6_E2M3", 1, "F6_E2M3[1]: 1 elements of 6 bits are 6 bits")]
    [InlineData("F6_E3M2", 5, "F6_E3M2[5]: 5 elements of 6 bits are 30 bits")]
    public void MG2009_sub_byte_tensor_not_whole_bytes(string dtype, long elements, string reason)
    {
        var writer = new SafetensorsWriter().Tensor("w", dtype, new[] { elements }, new byte[4]);
        var issue = Issues(writer).Single(RuleIds.SafetensorsMisalignedSlice);
        Assert.Contains(reason, issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2010_offsets_do_not_match_dtype_and_shape()
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", new long[] { 4 }, new byte[64]);
        var issue = Issues(writer).Single(RuleIds.SafetensorsTensorSizeMismatch);
        Assert.Equal("tensor 'w' has data_offsets [0, 64] (64 bytes) but F32[4] needs 16 bytes", issue.Message);
        Assert.Equal(8 + 1, issue.Offset);
    }

    [Fact]
    public void MG2011_trailing_bytes()
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 4).Trailing(Encoding.ASCII.GetBytes("PK\u0005\u0006 appended!"));
        var issue = Issues(writer).Single(RuleIds.SafetensorsIncompleteBuffer);
        Assert.Contains("the tensors end at byte 16 of the data buffer but 30 bytes follow the header: the last 14 bytes belong to no tensor", issue.Message, StringComparison.Ordinal);
        Assert.Equal(writer.Prefix().Length + 16, issue.Offset);
    }

    [Fact]
    public void MG2011_truncated_data()
    {
        var writer = new SafetensorsWriter().Tensor("w", "F32", 4).Tensor("v", "F32", 4).DataLength(20);
        var issue = Issues(writer).Single(RuleIds.SafetensorsIncompleteBuffer);
        Assert.Contains("the tensors need 32 bytes of data but only 20 bytes follow the header: the content is 12 bytes short", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_first_reference_failure_is_reported_like_the_reference()
    {
        // Tensor 'a' is too large and the data is short: the reference stops at TensorInvalidInfo.
        var writer = new SafetensorsWriter().Tensor("a", "F32", new long[] { 1 }, new byte[8]).Tensor("b", "F32", 4).DataLength(4);
        Assert.Equal(new[] { RuleIds.SafetensorsTensorSizeMismatch }, Issues(writer).Ids());
    }

    [Fact]
    public void Declared_length_uses_the_little_endian_u64()
    {
        var file = new SafetensorsWriter().Tensor("w", "F32", 4).ToArray();
        Assert.Equal((ulong)(file.Length - 8 - 16), BinaryPrimitives.ReadUInt64LittleEndian(file));
        AssertClean(Issues(file));
        Assert.DoesNotContain(Issues(file), i => i.Rule.Category != RuleCategories.Safetensors);
    }
}
