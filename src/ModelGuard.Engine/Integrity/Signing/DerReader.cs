using System;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// A strict reader of the DER subset X.509 certificates and keys use: definite lengths in their shortest form, no constructed
/// strings, nothing after the outermost element. Every malformed input throws <see cref="SignatureFormatException"/>.
/// </summary>
internal ref struct DerReader
{
    public const byte Boolean = 0x01;
    public const byte Integer = 0x02;
    public const byte BitString = 0x03;
    public const byte OctetString = 0x04;
    public const byte Null = 0x05;
    public const byte ObjectIdentifier = 0x06;
    public const byte Utf8String = 0x0C;
    public const byte PrintableString = 0x13;
    public const byte Ia5String = 0x16;
    public const byte UtcTime = 0x17;
    public const byte GeneralizedTime = 0x18;
    public const byte Sequence = 0x30;
    public const byte Set = 0x31;

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public DerReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public bool HasMore => _position < _data.Length;

    /// <summary>The tag of the next element without consuming it.</summary>
    public byte PeekTag() => HasMore ? _data[_position] : throw Malformed("an element was expected");

    /// <summary>Reads the next element, which must carry <paramref name="tag"/>, and returns its content.</summary>
    public ReadOnlySpan<byte> Read(byte tag) => Read(tag, out _);

    /// <summary>Reads the next element and also returns its whole encoding (tag, length and content).</summary>
    public ReadOnlySpan<byte> Read(byte tag, out ReadOnlySpan<byte> encoded)
    {
        var start = _position;
        var actual = PeekTag();
        if (actual != tag)
        {
            throw Malformed($"tag 0x{tag:X2} was expected, found 0x{actual:X2}");
        }

        _position++;
        var length = ReadLength();
        if (length > _data.Length - _position)
        {
            throw Malformed("an element is longer than its container");
        }

        var content = _data.Slice(_position, length);
        _position += length;
        encoded = _data.Slice(start, _position - start);
        return content;
    }

    /// <summary>Reads an optional element with <paramref name="tag"/>; returns false, consuming nothing, if the next tag differs.</summary>
    public bool TryRead(byte tag, out ReadOnlySpan<byte> content)
    {
        if (HasMore && _data[_position] == tag)
        {
            content = Read(tag);
            return true;
        }

        content = default;
        return false;
    }

    /// <summary>A nested reader over the content of the next SEQUENCE.</summary>
    public DerReader ReadSequence() => new(Read(Sequence));

    /// <summary>A BIT STRING's bytes; only whole bytes are accepted (keys and signatures).</summary>
    public ReadOnlySpan<byte> ReadBitString()
    {
        var content = Read(BitString);
        if (content.Length == 0 || content[0] != 0)
        {
            throw Malformed("a bit string with unused bits");
        }

        return content.Slice(1);
    }

    /// <summary>A non-negative INTEGER's magnitude without its sign byte.</summary>
    public ReadOnlySpan<byte> ReadUnsignedInteger()
    {
        var content = Read(Integer);
        if (content.Length == 0 || (content[0] & 0x80) != 0)
        {
            throw Malformed("a negative or empty integer");
        }

        if (content.Length > 1 && content[0] == 0 && (content[1] & 0x80) == 0)
        {
            throw Malformed("an integer not in its shortest form");
        }

        return content[0] == 0 && content.Length > 1 ? content.Slice(1) : content;
    }

    /// <summary>An OBJECT IDENTIFIER in dotted form.</summary>
    public string ReadObjectIdentifier() => DecodeObjectIdentifier(Read(ObjectIdentifier));

    /// <summary>A UTCTime or GeneralizedTime (X.509 validity).</summary>
    public DateTimeOffset ReadTime()
    {
        var tag = PeekTag();
        var text = System.Text.Encoding.ASCII.GetString(Read(tag).ToArray());
        var format = tag switch
        {
            UtcTime => "yyMMddHHmmss'Z'",
            GeneralizedTime => "yyyyMMddHHmmss'Z'",
            _ => throw Malformed("a time was expected"),
        };
        if (!DateTimeOffset.TryParseExact(text, format, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            throw Malformed($"the time '{text}' is not valid");
        }

        // RFC 5280: UTCTime years 50-99 are 19xx; .NET's two-digit-year window already maps 00-49 to 20xx and 50-99 to 19xx.
        return time;
    }

    /// <summary>Fails unless everything was read.</summary>
    public void End()
    {
        if (HasMore)
        {
            throw Malformed("unexpected data after the last element");
        }
    }

    /// <summary>Encodes one element: <paramref name="tag"/>, the shortest length, <paramref name="content"/>.</summary>
    public static byte[] Encode(byte tag, byte[] content)
    {
        var lengthBytes = content.Length < 0x80 ? 0 : content.Length <= 0xFF ? 1 : content.Length <= 0xFFFF ? 2 : content.Length <= 0xFFFFFF ? 3 : 4;
        var result = new byte[2 + lengthBytes + content.Length];
        result[0] = tag;
        if (lengthBytes == 0)
        {
            result[1] = (byte)content.Length;
        }
        else
        {
            result[1] = (byte)(0x80 | lengthBytes);
            for (var i = 0; i < lengthBytes; i++)
            {
                result[2 + i] = (byte)(content.Length >> (8 * (lengthBytes - 1 - i)));
            }
        }

        content.CopyTo(result, 2 + lengthBytes);
        return result;
    }

    public static string DecodeObjectIdentifier(ReadOnlySpan<byte> content)
    {
        if (content.Length == 0)
        {
            throw Malformed("an empty object identifier");
        }

        var text = new System.Text.StringBuilder();
        ulong value = 0;
        var first = true;
        for (var i = 0; i < content.Length; i++)
        {
            if (value == 0 && content[i] == 0x80)
            {
                throw Malformed("an object identifier not in its shortest form");
            }

            if (value > (ulong.MaxValue >> 7))
            {
                throw Malformed("an object identifier arc is too large");
            }

            value = (value << 7) | (uint)(content[i] & 0x7F);
            if ((content[i] & 0x80) != 0)
            {
                if (i == content.Length - 1)
                {
                    throw Malformed("a truncated object identifier");
                }

                continue;
            }

            if (first)
            {
                var top = value < 80 ? value / 40 : 2;
                text.Append(top).Append('.').Append(value - (top * 40));
                first = false;
            }
            else
            {
                text.Append('.').Append(value);
            }

            value = 0;
        }

        return text.ToString();
    }

    private int ReadLength()
    {
        if (!HasMore)
        {
            throw Malformed("a length was expected");
        }

        var first = _data[_position++];
        if (first < 0x80)
        {
            return first;
        }

        var count = first & 0x7F;
        if (count == 0 || count > 4)
        {
            throw Malformed("an indefinite or oversized length");
        }

        if (count > _data.Length - _position)
        {
            throw Malformed("a truncated length");
        }

        long length = 0;
        for (var i = 0; i < count; i++)
        {
            length = (length << 8) | _data[_position++];
        }

        if (length < 0x80 || length < (1L << (8 * (count - 1))) || length > int.MaxValue)
        {
            throw Malformed("a length not in its shortest form");
        }

        return (int)length;
    }

    private static SignatureFormatException Malformed(string what) => new($"malformed DER: {what}");
}
