using System;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// ONNX has no magic number. Every writer (onnx's SerializeToString, PyTorch's exporter, ONNX Runtime's tools) serializes a
/// ModelProto's fields in field-number order, so a model starts with ir_version (field 1, a varint of 1 to 13 today) followed by
/// more ModelProto fields. The probe accepts content only when it starts that way and every field within the first bytes is a
/// ModelProto field with the right wire type and a plausible value, so random data and other formats are never taken for ONNX
/// (a file named .onnx is validated as ONNX whatever it starts with).
/// </summary>
internal static class OnnxSniffer
{
    private const int HighestPlausibleIrVersion = 64;

    /// <summary>True when <paramref name="head"/> starts like a serialized ModelProto; <paramref name="length"/> is the content length when known.</summary>
    public static bool LooksLikeModel(ReadOnlySpan<byte> head, long? length)
    {
        // ir_version first: tag 0x08, then a one-byte varint.
        if (head.Length < 4 || head[0] != 0x08 || head[1] == 0 || head[1] > HighestPlausibleIrVersion)
        {
            return false;
        }

        var position = 2;
        var fields = 1;
        var previous = 1;
        while (position < head.Length)
        {
            if (!TryVarint(head, ref position, out var tag))
            {
                if (position < head.Length)
                {
                    return false; // Longer than 10 bytes: no protobuf writer makes such a tag.
                }

                break; // Cut off by the end of the head: what was seen is consistent.
            }

            var field = (int)Math.Min(tag >> 3, int.MaxValue);
            var wire = (int)(tag & 7);
            if (!IsModelField(field, wire) || field < previous)
            {
                return false;
            }

            previous = field;
            fields++;
            if (wire == 0)
            {
                if (!TryVarint(head, ref position, out _))
                {
                    if (position < head.Length)
                    {
                        return false;
                    }

                    break;
                }

                continue;
            }

            if (!TryVarint(head, ref position, out var size))
            {
                if (position < head.Length)
                {
                    return false;
                }

                break;
            }

            if (length is { } total && size > (ulong)Math.Max(0, total - position))
            {
                return false;
            }

            if (size > (ulong)(head.Length - position))
            {
                // A payload that runs past the head: the graph (its first byte must be a GraphProto tag) or a long doc string
                // (what is visible of it must be text). Other fields are short or come after the graph.
                if (position >= head.Length)
                {
                    return true;
                }

                return field switch
                {
                    7 => IsGraphFieldTag(head[position]),
                    2 or 3 or 4 or 6 => IsText(head.Slice(position)),
                    _ => false,
                };
            }

            var payload = head.Slice(position, (int)size);
            if ((field is 2 or 3 or 4 or 6 && !IsText(payload)) || (field is 7 or 8 or 14 or 20 or 25 or 26 && !IsWellFormedMessage(payload)))
            {
                return false;
            }

            position += (int)size;
        }

        return fields >= 2 || (length is { } l && l <= head.Length && position == head.Length);
    }

    /// <summary>ModelProto fields and their wire types (onnx.proto): ir_version, producer_*, domain, model_version, doc_string, graph, opset_import, metadata_props, training_info, functions, configuration.</summary>
    private static bool IsModelField(int field, int wire) => field switch
    {
        1 or 5 => wire == 0,
        2 or 3 or 4 or 6 or 7 or 8 or 14 or 20 or 25 or 26 => wire == 2,
        _ => false,
    };

    /// <summary>The first tag of a GraphProto: node (1), name (2), initializer (5), doc_string (10), input/output/value_info (11-13), ... all length-delimited.</summary>
    private static bool IsGraphFieldTag(byte tag) => (tag & 7) == 2 && (tag >> 3) is 1 or 2 or 5 or 10 or 11 or 12 or 13 or 14 or 15 or 16;

    /// <summary>Whether <paramref name="message"/> is a sequence of valid protobuf fields that ends exactly at its end.</summary>
    private static bool IsWellFormedMessage(ReadOnlySpan<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            if (!TryVarint(message, ref position, out var tag) || tag >> 3 == 0)
            {
                return false;
            }

            ulong skip;
            switch (tag & 7)
            {
                case 0:
                    if (!TryVarint(message, ref position, out _))
                    {
                        return false;
                    }

                    continue;
                case 1:
                    skip = 8;
                    break;
                case 5:
                    skip = 4;
                    break;
                case 2:
                    if (!TryVarint(message, ref position, out skip))
                    {
                        return false;
                    }

                    break;
                default:
                    return false;
            }

            if (skip > (ulong)(message.Length - position))
            {
                return false;
            }

            position += (int)skip;
        }

        return true;
    }

    private static bool IsText(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryVarint(ReadOnlySpan<byte> head, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < head.Length; shift += 7)
        {
            var b = head[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
