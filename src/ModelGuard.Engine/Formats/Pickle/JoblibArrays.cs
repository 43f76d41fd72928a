using System.Globalization;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// joblib.dump writes each numpy array as a <c>NumpyArrayWrapper</c> object followed, right after its BUILD, by the raw
/// array bytes (optionally preceded by an alignment padding byte and padding), or by a nested pickle for object arrays.
/// joblib.load reads them from the file in the middle of the pickle stream; this skips them the same way.
/// </summary>
internal static class JoblibArrays
{
    public static void SkipArrayData(PickleValue state, in PickleInstruction build, PickleDisassembler disassembler, PickleSimulator simulator)
    {
        if (state is not DictValue wrapper)
        {
            throw Unlocatable(build, "its state is not a dict");
        }

        var typeString = (wrapper.Get("dtype") as CallResultValue) is { } dtype && dtype.IsCallOf("numpy", "dtype")
            && dtype.Arguments is TupleValue { Items.Count: > 0 } args && args.Items[0] is TextValue text
            ? text.Text.TrimStart('<', '>', '|', '=')
            : throw Unlocatable(build, "its dtype is not a numpy.dtype built from a type string");

        if (typeString.StartsWith("O", System.StringComparison.Ordinal))
        {
            simulator.RunNested(disassembler, build.Offset);
            return;
        }

        var itemSize = ParseItemSize(typeString) ?? throw Unlocatable(build, $"the item size of dtype '{typeString}' cannot be determined");
        var count = ElementCount(wrapper.Get("shape")) ?? throw Unlocatable(build, "its shape is not a tuple of non-negative ints");
        long bytes;
        try
        {
            bytes = checked(count * itemSize);
        }
        catch (System.OverflowException)
        {
            throw Unlocatable(build, "its shape and dtype describe more than 2^63 bytes");
        }

        if (wrapper.Get("numpy_array_alignment_bytes") is IntValue)
        {
            var padding = disassembler.ReadRawByte();
            if (padding < 0 || disassembler.SkipRaw(padding) < padding)
            {
                throw new PickleFormatException(build.Offset, "the data ends inside the alignment padding of a joblib array");
            }
        }

        var skipped = disassembler.SkipRaw(bytes);
        if (skipped < bytes)
        {
            throw new PickleFormatException(build.Offset, $"the data ends inside a joblib array of {bytes} bytes ({skipped} present)");
        }
    }

    private static long? ParseItemSize(string typeString)
    {
        var i = 0;
        while (i < typeString.Length && char.IsLetter(typeString[i]))
        {
            i++;
        }

        var j = i;
        while (j < typeString.Length && char.IsDigit(typeString[j]))
        {
            j++;
        }

        if (j == i || !long.TryParse(typeString.Substring(i, j - i), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return null;
        }

        // 'U<n>' counts characters, each stored as 4 bytes of UCS-4 (numpy's str arrays: the classes_ of a LabelEncoder).
        return typeString[0] == 'U' && size <= long.MaxValue / 4 ? size * 4 : typeString[0] == 'U' ? null : size;
    }

    private static long? ElementCount(PickleValue? shape)
    {
        if (shape is not TupleValue tuple)
        {
            return null;
        }

        long count = 1;
        foreach (var item in tuple.Items)
        {
            if (item is not IntValue { Value: >= 0 } dimension)
            {
                return null;
            }

            try
            {
                count = checked(count * dimension.Value);
            }
            catch (System.OverflowException)
            {
                return null;
            }
        }

        return count;
    }

    private static PickleFormatException Unlocatable(in PickleInstruction build, string why)
        => new(build.Offset, $"joblib NumpyArrayWrapper at BUILD cannot be followed: {why}, so the array data after it cannot be located");
}
