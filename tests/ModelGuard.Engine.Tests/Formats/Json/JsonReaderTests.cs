using System;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Tests.Formats.Json;

/// <summary>The tokenizer accepts exactly RFC 8259 in strict UTF-8, with serde_json's depth limit and number range on request.</summary>
public sealed class JsonReaderTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("-1.5e10")]
    [InlineData("1E+2")]
    [InlineData("1e-2")]
    [InlineData("0.0")]
    [InlineData("true")]
    [InlineData("false")]
    [InlineData("null")]
    [InlineData("\"\"")]
    [InlineData("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0000 \\u00e9\"")]
    [InlineData(" \t\r\n{\"a\" : [1 , {\"b\":null}] }\n\r\t ")]
    [InlineData("{\"a\":{\"b\":{\"c\":[[[]]]}}}")]
    [InlineData("\"\\ud83d\\ude00\"")]
    [InlineData("\"\\uD83D\\uDE00\"")]
    [InlineData("\"\u00e9\u4e2d\U0001F600\u007f\"")]
    public void Accepts_rfc_8259(string json) => Parse(json);

    [Theory]
    [InlineData("", 0)]
    [InlineData("   ", 3)]
    [InlineData("{\"a\":1,}", 7)]
    [InlineData("[1,]", 3)]
    [InlineData("{'a':1}", 1)]
    [InlineData("01", 1)]
    [InlineData("1.", 2)]
    [InlineData(".5", 0)]
    [InlineData("+1", 0)]
    [InlineData("-", 1)]
    [InlineData("-a", 1)]
    [InlineData("1e", 2)]
    [InlineData("1e+", 3)]
    [InlineData("NaN", 0)]
    [InlineData("Infinity", 0)]
    [InlineData("tru", 3)]
    [InlineData("nul l", 3)]
    [InlineData("\"a\u0001b\"", 2)]
    [InlineData("\"\\a\"", 1)]
    [InlineData("\"\\u12\"", 1)]
    [InlineData("\"\\ud800\"", 7)]
    [InlineData("\"\\udc00\"", 1)]
    [InlineData("\"\\ud800\\u0041\"", 7)]
    [InlineData("// c\n{}", 0)]
    [InlineData("{} /* c */", 3)]
    [InlineData("{\"a\" 1}", 5)]
    [InlineData("{\"a\":1 \"b\":2}", 7)]
    [InlineData("[1 2]", 3)]
    [InlineData("\"abc", 4)]
    [InlineData("{", 1)]
    [InlineData("{1:2}", 1)]
    [InlineData("1 2", 2)]
    [InlineData("{}\u0000", 2)]
    [InlineData("\f{}", 0)]
    [InlineData("\u00a0{}", 0)]
    [InlineData("\ufeff{}", 0)]
    public void Refuses_everything_else_with_the_offset(string json, long offset)
    {
        var error = Assert.Throws<JsonReaderException>(() => Parse(json));
        Assert.Equal(JsonErrorKind.Syntax, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Offsets_include_the_base_offset()
    {
        var bytes = Encoding.UTF8.GetBytes("[1 2]");
        using var reader = new JsonReader(new MemoryStream(bytes), bytes.Length, baseOffset: 8);
        var error = Assert.Throws<JsonReaderException>(() => JsonDocument.Parse(reader));
        Assert.Equal(11, error.Offset);
    }

    [Theory]
    [InlineData(new byte[] { 0x22, 0xC0, 0x80, 0x22 }, 1)]
    [InlineData(new byte[] { 0x22, 0xE0, 0x80, 0x80, 0x22 }, 1)]
    [InlineData(new byte[] { 0x22, 0xED, 0xA0, 0x80, 0x22 }, 1)]
    [InlineData(new byte[] { 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22 }, 1)]
    [InlineData(new byte[] { 0x22, 0x80, 0x22 }, 1)]
    [InlineData(new byte[] { 0x22, 0xFF, 0x22 }, 1)]
    [InlineData(new byte[] { 0x22, 0x61, 0x22, 0x20, 0xE2, 0x82 }, 4)]
    public void Refuses_invalid_utf8_anywhere(byte[] input, long offset)
    {
        var error = Assert.Throws<JsonReaderException>(() => Parse(input));
        Assert.Equal(JsonErrorKind.InvalidUtf8, error.Kind);
        Assert.Equal(offset, error.Offset);
    }

    [Fact]
    public void Invalid_utf8_outranks_an_earlier_syntax_error()
    {
        // The syntax error is at offset 1, the bad byte at offset 11: like the reference, UTF-8 is decided first.
        var input = Encoding.ASCII.GetBytes("[x        \"?\"]");
        input[11] = 0xFF;
        var error = Assert.Throws<JsonReaderException>(() => Parse(input));
        Assert.Equal(JsonErrorKind.InvalidUtf8, error.Kind);
        Assert.Equal(11, error.Offset);
    }

    [Fact]
    public void Truncation_outranks_everything()
    {
        var bytes = Encoding.ASCII.GetBytes("[x\xFF");
        using var reader = new JsonReader(new MemoryStream(bytes), bytes.Length + 10);
        var error = Assert.Throws<JsonReaderException>(() => JsonDocument.Parse(reader));
        Assert.Equal(JsonErrorKind.Truncated, error.Kind);
        Assert.Equal(bytes.Length, error.Offset);
    }

    [Fact]
    public void Decodes_escapes_surrogate_pairs_and_utf8()
    {
        var node = (JsonStringNode)Parse("\"a\\u00e9\\ud83d\\ude00\u4e2d\\n\U0001F600\"");
        Assert.Equal("a\u00e9\U0001F600\u4e2d\n\U0001F600", node.Value);
    }

    [Fact]
    public void Nesting_stops_where_serde_json_stops()
    {
        // serde_json's remaining depth starts at 128 and the container that brings it to 0 fails: 127 levels parse.
        Parse(new string('[', 127) + new string(']', 127));
        var error = Assert.Throws<JsonReaderException>(() => Parse(new string('[', 128) + new string(']', 128)));
        Assert.Equal(127, error.Offset);
        Assert.Contains("recursion limit", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_never_recurses()
    {
        var error = Assert.Throws<JsonReaderException>(() => Parse(new string('[', 1_000_000)));
        Assert.Equal(127, error.Offset);
        var options = new JsonReaderOptions { MaxDepth = 200_001 };
        var bytes = Encoding.ASCII.GetBytes(new string('[', 200_000) + new string(']', 200_000));
        using var reader = new JsonReader(bytes, options);
        Assert.IsType<JsonArrayNode>(JsonDocument.Parse(reader));
    }

    [Fact]
    public void Keeps_members_in_order_with_duplicates()
    {
        var node = (JsonObjectNode)Parse("{\"b\":1,\"a\":2,\"\\u0061\":3,\"b\":4}");
        Assert.Equal(new[] { "b", "a", "a", "b" }, node.Members.Select(m => m.Name));
        Assert.Equal(new long[] { 1, 7, 13, 24 }, node.Members.Select(m => m.NameOffset));
        Assert.Equal("3", ((JsonNumberNode)node.Last("a")!.Value).Number.Text);
        Assert.Equal(2, node.All("a").Count());
    }

    [Theory]
    [InlineData("0", true, 0UL)]
    [InlineData("16", true, 16UL)]
    [InlineData("18446744073709551615", true, ulong.MaxValue)]
    [InlineData("18446744073709551616", false, 0UL)]
    [InlineData("99999999999999999999999", false, 0UL)]
    [InlineData("16.0", false, 0UL)]
    [InlineData("1e1", false, 0UL)]
    [InlineData("1E1", false, 0UL)]
    [InlineData("-1", false, 0UL)]
    [InlineData("-0", false, 0UL)]
    public void Tells_integers_from_floats(string literal, bool isUInt64, ulong value)
    {
        var number = ((JsonNumberNode)Parse(literal)).Number;
        Assert.Equal(isUInt64, number.TryGetUInt64(out var parsed));
        Assert.Equal(value, isUInt64 ? parsed : 0UL);
        Assert.Equal(literal, number.Text);
    }

    [Fact]
    public void Detects_integer_overflow_past_64_bits()
    {
        var number = ((JsonNumberNode)Parse("18446744073709551616")).Number;
        Assert.True(number.IntegerOverflow);
        Assert.True(number.IsInteger);
        Assert.Equal("floating-point number 18446744073709551616", number.Describe());
        Assert.Equal("negative integer -5", ((JsonNumberNode)Parse("-5")).Number.Describe());
    }

    [Theory]
    [InlineData("1e308", true)]
    [InlineData("1e309", false)]
    [InlineData("1.8e308", false)]
    [InlineData("-1e400", false)]
    [InlineData("1e-400", true)]
    [InlineData("0e99999999999999", true)]
    [InlineData("1e99999999999999", false)]
    [InlineData("1e-99999999999999", true)]
    [InlineData("18446744073709551616", true)]
    public void Refuses_numbers_that_overflow_a_double_like_serde_json(string literal, bool accepted)
    {
        var bytes = Encoding.ASCII.GetBytes(literal);
        using (var plain = new JsonReader(bytes))
        {
            JsonDocument.Parse(plain);
        }

        using var serde = new JsonReader(bytes, JsonReaderOptions.SerdeJson);
        if (accepted)
        {
            JsonDocument.Parse(serde);
        }
        else
        {
            Assert.Equal(JsonErrorKind.Syntax, Assert.Throws<JsonReaderException>(() => JsonDocument.Parse(serde)).Kind);
        }
    }

    [Fact]
    public void Long_integers_overflow_a_double_like_serde_json()
    {
        var ok = Encoding.ASCII.GetBytes("1" + new string('0', 300));
        var tooLong = Encoding.ASCII.GetBytes("1" + new string('0', 400));
        using (var reader = new JsonReader(ok, JsonReaderOptions.SerdeJson))
        {
            JsonDocument.Parse(reader);
        }

        using var failing = new JsonReader(tooLong, JsonReaderOptions.SerdeJson);
        Assert.Throws<JsonReaderException>(() => JsonDocument.Parse(failing));
    }

    [Fact]
    public void Strings_are_materialised_only_as_far_as_asked()
    {
        var bytes = Encoding.UTF8.GetBytes("[\"" + new string('x', 100_000) + "\u00e9\"]");
        using var reader = new JsonReader(bytes);
        reader.Read();
        reader.Read();
        Assert.Equal(JsonTokenKind.String, reader.TokenKind);
        Assert.Equal(new string('x', 10), reader.GetString(10));
        Assert.True(reader.StringTruncated);
        Assert.Equal(100_001, reader.StringLength);
        Assert.Equal(100_002, reader.StringUtf8Length);
        reader.Read();
        Assert.Equal(JsonTokenKind.EndArray, reader.TokenKind);
        Assert.False(reader.Read());
        reader.ReadEndOfInput();
    }

    [Fact]
    public void Reports_leading_and_trailing_whitespace()
    {
        var bytes = Encoding.ASCII.GetBytes("  \n{}  \t \n");
        using var reader = new JsonReader(bytes);
        JsonDocument.Parse(reader);
        Assert.Equal(3, reader.LeadingWhitespace);
        Assert.Equal(5, reader.TrailingWhitespace);
        Assert.Equal(7, reader.FirstNonSpaceTrailingWhitespace);
    }

    [Fact]
    public void Reads_any_chunking_of_the_stream()
    {
        var json = "{\"caf\u00e9\":[\"\U0001F600\",-1.5e3,true,null],\"\\ud83d\\ude00\":{}}";
        var bytes = Encoding.UTF8.GetBytes(json);
        using var reader = new JsonReader(new TrickleStream(bytes), bytes.Length);
        var root = (JsonObjectNode)JsonDocument.Parse(reader);
        Assert.Equal(new[] { "caf\u00e9", "\U0001F600" }, root.Members.Select(m => m.Name));
    }

    [Fact]
    public void Skip_passes_over_a_whole_value()
    {
        var bytes = Encoding.ASCII.GetBytes("{\"a\":{\"x\":[1,[2,{\"y\":3}]]},\"b\":4}");
        using var reader = new JsonReader(bytes);
        reader.Read();
        reader.Read();
        Assert.Equal("a", reader.GetString());
        reader.Skip();
        reader.Read();
        Assert.Equal(JsonTokenKind.PropertyName, reader.TokenKind);
        Assert.Equal("b", reader.GetString());
    }

    private static JsonNode Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static JsonNode Parse(byte[] bytes)
    {
        using var reader = new JsonReader(bytes);
        return JsonDocument.Parse(reader);
    }

    /// <summary>Returns one byte per read, so every multi-byte construct crosses a buffer boundary.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        public TrickleStream(byte[] bytes)
            : base(bytes, writable: false)
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(1, count));
    }
}
