using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Formats.Safetensors;
using ModelGuard.Engine.Rules;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Formats.Safetensors.SafetensorsTestHelpers;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>Files the reference reader accepts and its writer could produce pass with no finding at all.</summary>
public sealed class SafetensorsValidFileTests
{
    public static TheoryData<string> AllDtypes()
    {
        var data = new TheoryData<string>();
        foreach (var (name, _) in SafetensorsWriter.Dtypes)
        {
            data.Add(name);
        }

        return data;
    }

    [Fact]
    public void A_typical_model_is_clean()
    {
        var writer = new SafetensorsWriter()
            .Metadata("format", "pt")
            .Tensor("model.embed_tokens.weight", "BF16", 32, 16)
            .Tensor("model.layers.0.self_attn.q_proj.weight", "BF16", 16, 16)
            .Tensor("model.layers.0.input_layernorm.weight", "F32", 16)
            .Tensor("lm_head.weight", "F16", 32, 16);
        AssertClean(Issues(writer));
    }

    [Theory]
    [MemberData(nameof(AllDtypes))]
    public void Every_dtype_is_accepted(string dtype)
    {
        // 8 elements fill whole bytes for the 4- and 6-bit types too.
        AssertClean(Issues(new SafetensorsWriter().Tensor("w", dtype, 2, 4)));
    }

    [Fact]
    public void Every_dtype_in_one_file_is_laid_out_aligned()
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        foreach (var (name, _) in SafetensorsWriter.Dtypes)
        {
            writer.Tensor("t." + name, name, 3, 8);
        }

        AssertClean(Issues(writer));
    }

    [Theory]
    [InlineData("F4", 2)]
    [InlineData("F6_E2M3", 4)]
    [InlineData("F6_E3M2", 4)]
    public void Sub_byte_dtypes_are_bit_packed(string dtype, long elements)
    {
        var size = elements * SafetensorsWriter.BitSize(dtype) / 8;
        AssertClean(Issues(new SafetensorsWriter().Tensor("w", dtype, new[] { elements }, new byte[size])));
    }

    [Fact]
    public void Zero_size_tensors_are_accepted_anywhere()
    {
        var writer = new SafetensorsWriter()
            .Tensor("a", "F32", 4)
            .Tensor("empty", "F32", 0, 4)
            .Tensor("also_empty", "F32", 3, 0)
            .Tensor("z", "F32", 2);
        AssertClean(Issues(writer));
        AssertClean(Issues(new SafetensorsWriter().Tensor("only", "I64", 0)));
    }

    [Fact]
    public void Scalars_have_one_element()
    {
        AssertClean(Issues(new SafetensorsWriter().Tensor("step", "I64").Tensor("lr", "F32")));
    }

    [Fact]
    public void An_empty_header_is_a_valid_file()
    {
        var file = new SafetensorsWriter().ToArray();
        Assert.Equal("{}      ", Encoding.ASCII.GetString(file, 8, 8));
        AssertClean(Issues(file));
    }

    [Fact]
    public void Header_keys_in_any_order_are_accepted()
    {
        var writer = new SafetensorsWriter()
            .Metadata("format", "pt")
            .Tensor("a", "F32", 2)
            .Tensor("b", "F16", 2)
            .Tensor("c", "U8", 2)
            .KeyOrder("c", "a", "__metadata__", "b");
        AssertClean(Issues(writer));
    }

    [Fact]
    public void Null_metadata_is_accepted()
    {
        AssertClean(Issues(new SafetensorsWriter().RawMetadata("null").Tensor("w", "F32", 1)));
    }

    [Theory]
    [InlineData("pt")]
    [InlineData("tf")]
    [InlineData("flax")]
    [InlineData("mlx")]
    public void Metadata_formats_transformers_loads_are_accepted(string format)
    {
        AssertClean(Issues(new SafetensorsWriter().Metadata("format", format).Metadata("note", "text \"quoted\" \u00e9").Tensor("w", "F32", 1)));
    }

    [Fact]
    public void Unknown_tensor_fields_are_ignored_like_the_reference()
    {
        var file = File("{\"w\":{\"extra\":{\"x\":[1.5,null,true]},\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"more\":\"x\"}}", 4);
        AssertClean(Issues(file));
    }

    [Fact]
    public void Names_are_compared_after_unescaping()
    {
        var file = File("{\"\\u0077\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"\\u005f_metadata__\":{\"format\":\"pt\"}}", 4);
        AssertClean(Issues(file));
    }

    [Fact]
    public void Header_without_padding_and_any_whitespace_inside_is_accepted()
    {
        AssertClean(Issues(new SafetensorsWriter().Tensor("w", "U8", 3).Padding((byte)' ', 1)));
        AssertClean(Issues(File("{ \"w\" :\n\t{\r\n\"dtype\" : \"U8\" , \"shape\" : [ 3 ] , \"data_offsets\" : [ 0 , 3 ] } }", 3)));
    }

    [Fact]
    public void Leading_whitespace_is_accepted_with_only_an_info()
    {
        var issues = Issues(new SafetensorsWriter().Tensor("w", "F32", 1).Leading(" \t\r\n"));
        Assert.Equal(new[] { RuleIds.SafetensorsHeaderPadding }, issues.Ids());
        Assert.Contains("4 whitespace bytes", issues[0].Message, StringComparison.Ordinal);
        Assert.Equal(8, issues[0].Offset);
    }

    [Fact]
    public void A_header_of_exactly_100_000_000_bytes_is_accepted()
    {
        var prefix = new byte[10];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, 100_000_000);
        prefix[8] = (byte)'{';
        prefix[9] = (byte)'}';
        using var stream = new SparseStream(prefix, 100_000_000 - 2, Array.Empty<byte>(), (byte)' ');
        var validation = SafetensorsValidator.Validate(stream, stream.Length);
        AssertClean(validation.Issues);
        Assert.Equal(100_000_008, stream.BytesRead);
    }

    [Fact]
    public void The_effective_tensors_are_the_last_of_each_name()
    {
        var file = File(
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[100],\"data_offsets\":[0,400]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            4);
        using var stream = new System.IO.MemoryStream(file);
        var validation = SafetensorsValidator.Validate(stream, file.Length);

        // The reference keeps the second entry and accepts the layout; only the stricter duplicate rule fires.
        Assert.Equal(new[] { RuleIds.SafetensorsDuplicateTensorName }, validation.Issues.Ids());
        Assert.Equal(4UL, validation.Header!.EffectiveTensors().Single().End);
    }
}
