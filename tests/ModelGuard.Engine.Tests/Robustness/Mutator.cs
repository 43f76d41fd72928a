using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Deterministic mutations of a file for the property tests: bit flips, interesting bytes, truncations, insertions,
/// deletions, duplicated chunks, and edits of 2-, 4- and 8-byte little-endian fields, preferably the length, size, count
/// and offset fields of the formats found in the original (zip records, tar headers, pickle length arguments, the
/// safetensors and .npy length prefixes). Every mutation describes itself so a failure can be reproduced by hand.
/// </summary>
internal sealed class Mutator
{
    private static readonly ulong[] InterestingValues =
    {
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF,
        0x100000000, long.MaxValue, 0x8000000000000000, ulong.MaxValue - 1, ulong.MaxValue,
    };

    private static readonly byte[] InterestingBytes = { 0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'(', (byte)'.', 0x95, (byte)'c', (byte)'\n' };

    private readonly byte[] _original;
    private readonly List<(int Offset, int Width)> _fields;
    private readonly List<int> _tarHeaders;
    private readonly Random _random;

    public Mutator(byte[] original, int seed)
    {
        _original = original;
        _fields = FindLengthFields(original);
        _tarHeaders = FindTarHeaders(original);
        _random = new Random(seed);
    }

    /// <summary>Offsets of the structural length fields found in the original.</summary>
    public int FieldCount => _fields.Count;

    /// <summary>Applies one to three random mutations to a copy of the original.</summary>
    public byte[] Next(out string description)
    {
        var data = (byte[])_original.Clone();
        var steps = new List<string>();
        var count = 1 + (_random.Next(4) == 0 ? _random.Next(1, 3) : 0);
        for (var i = 0; i < count; i++)
        {
            data = MutateOnce(data, steps);
        }

        description = string.Join("; ", steps);
        return data;
    }

    private byte[] MutateOnce(byte[] data, List<string> steps)
    {
        var kind = _random.Next(100);
        if (data.Length == 0)
        {
            steps.Add("insert 1 byte 0x80 at 0");
            return new byte[] { 0x80 };
        }

        if (kind < 5 && _tarHeaders.Count > 0)
        {
            return EditTarSize(data, steps);
        }

        if (kind < 35)
        {
            return EditField(data, steps);
        }

        if (kind < 55)
        {
            var flips = _random.Next(1, 9);
            var at = new List<string>();
            for (var i = 0; i < flips; i++)
            {
                var offset = _random.Next(data.Length);
                var bit = _random.Next(8);
                data[offset] ^= (byte)(1 << bit);
                at.Add(string.Create(CultureInfo.InvariantCulture, $"{offset}.{bit}"));
            }

            steps.Add("flip bits " + string.Join(",", at));
            return data;
        }

        if (kind < 65)
        {
            var offset = _random.Next(data.Length);
            var value = InterestingBytes[_random.Next(InterestingBytes.Length)];
            data[offset] = value;
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"set byte {offset} to 0x{value:x2}"));
            return data;
        }

        if (kind < 77)
        {
            var length = _random.Next(4) switch
            {
                0 => data.Length - 1,
                1 => data.Length / 2,
                _ => _random.Next(data.Length),
            };
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"truncate to {length}"));
            return data.AsSpan(0, length).ToArray();
        }

        if (kind < 87)
        {
            var offset = _random.Next(data.Length + 1);
            var inserted = new byte[_random.Next(1, 17)];
            _random.NextBytes(inserted);
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"insert {Convert.ToHexString(inserted)} at {offset}"));
            return Concat(data.AsSpan(0, offset), inserted, data.AsSpan(offset));
        }

        if (kind < 93)
        {
            var offset = _random.Next(data.Length);
            var length = Math.Min(data.Length - offset, _random.Next(1, 65));
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"delete {length} bytes at {offset}"));
            return Concat(data.AsSpan(0, offset), ReadOnlySpan<byte>.Empty, data.AsSpan(offset + length));
        }

        {
            // Duplicate a chunk elsewhere: repeated records, members and opcodes.
            var from = _random.Next(data.Length);
            var length = Math.Min(data.Length - from, _random.Next(1, 513));
            var to = _random.Next(data.Length + 1);
            steps.Add(string.Create(CultureInfo.InvariantCulture, $"copy {length} bytes from {from} to {to}"));
            return Concat(data.AsSpan(0, to), data.AsSpan(from, length), data.AsSpan(to));
        }
    }

    private byte[] EditField(byte[] data, List<string> steps)
    {
        int offset;
        int width;
        if (_fields.Count > 0 && _random.Next(4) != 0)
        {
            (offset, width) = _fields[_random.Next(_fields.Count)];
        }
        else
        {
            width = _random.Next(3) switch { 0 => 2, 1 => 4, _ => 8 };
            offset = _random.Next(data.Length);
        }

        if (offset + width > data.Length)
        {
            width = data.Length - offset;
            if (width <= 0)
            {
                steps.Add("field edit skipped (past the end)");
                return data;
            }
        }

        var span = data.AsSpan(offset, width);
        var current = ReadLittleEndian(span);
        ulong value = _random.Next(6) switch
        {
            0 => (ulong)data.Length + 1,
            1 => (ulong)Math.Max(0, data.Length - 1),
            2 => current + 1,
            3 => current - 1,
            _ => InterestingValues[_random.Next(InterestingValues.Length)],
        };
        WriteLittleEndian(span, value);
        steps.Add(string.Create(CultureInfo.InvariantCulture, $"write {width}-byte field at {offset}: 0x{current:x} -> 0x{ReadLittleEndian(span):x}"));
        return data;
    }

    private static ulong ReadLittleEndian(ReadOnlySpan<byte> span)
    {
        ulong value = 0;
        for (var i = span.Length - 1; i >= 0; i--)
        {
            value = (value << 8) | span[i];
        }

        return value;
    }

    private static void WriteLittleEndian(Span<byte> span, ulong value)
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = (byte)(value >> (8 * i));
        }
    }

    private static byte[] Concat(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var result = new byte[a.Length + b.Length + c.Length];
        a.CopyTo(result);
        b.CopyTo(result.AsSpan(a.Length));
        c.CopyTo(result.AsSpan(a.Length + b.Length));
        return result;
    }

    /// <summary>
    /// GGUF (v2/v3 layout): version, counts, then every key length, value type, string and array length, tensor name length,
    /// dimension count, dimension, ggml type and data offset, walked until the layout stops making sense.
    /// </summary>
    private static void AddGgufFields(byte[] data, Action<int, int> add)
    {
        add(4, 4);
        add(8, 8);
        add(16, 8);
        var tensors = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(8));
        var keyValues = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(16));
        long o = 24;
        bool Fits(long width) => o >= 0 && o + width <= data.Length;
        ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan((int)o));
        uint U32() => BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan((int)o));
        bool String()
        {
            if (!Fits(8) || U64() > (ulong)data.Length)
            {
                return false;
            }

            add((int)o, 8);
            o += 8 + (long)U64();
            return true;
        }

        bool Value(uint type, int depth)
        {
            int[] sizes = { 1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8 };
            if (type > 12 || depth > 3)
            {
                return false;
            }

            if (type == 8)
            {
                return String();
            }

            if (type != 9)
            {
                add((int)o, sizes[type]);
                o += sizes[type];
                return true;
            }

            if (!Fits(12))
            {
                return false;
            }

            add((int)o, 4);
            add((int)o + 4, 8);
            var elementType = U32();
            o += 4;
            var count = U64();
            o += 8;
            for (ulong i = 0; i < count && i < 16; i++)
            {
                if (!Value(elementType, depth + 1))
                {
                    return false;
                }
            }

            if (count > 16 && elementType != 8 && elementType < 13 && sizes[elementType] > 0)
            {
                o += (long)Math.Min(count - 16, (ulong)data.Length) * sizes[elementType];
            }

            return count <= 16 || (elementType != 8 && elementType != 9);
        }

        for (ulong k = 0; k < keyValues && k < 4096; k++)
        {
            if (!String() || !Fits(4))
            {
                return;
            }

            add((int)o, 4);
            var type = U32();
            o += 4;
            if (!Value(type, 0))
            {
                return;
            }
        }

        for (ulong t = 0; t < tensors && t < 4096; t++)
        {
            if (!String() || !Fits(4))
            {
                return;
            }

            add((int)o, 4);
            var dims = U32();
            o += 4;
            for (var d = 0u; d < dims && d < 8; d++)
            {
                add((int)o, 8);
                o += 8;
            }

            if (!Fits(12))
            {
                return;
            }

            add((int)o, 4);
            add((int)o + 4, 8);
            o += 12;
        }
    }

    /// <summary>Length, size, count and offset fields of the formats present in <paramref name="data"/>.</summary>
    private static List<(int Offset, int Width)> FindLengthFields(byte[] data)
    {
        var fields = new List<(int, int)>();
        void Add(int offset, int width)
        {
            if (offset >= 0 && offset + width <= data.Length)
            {
                fields.Add((offset, width));
            }
        }

        // safetensors: the u64 header length; .npy: the header length after magic and version.
        Add(0, 8);
        if (data.Length > 10 && data[0] == 0x93 && data[1] == (byte)'N')
        {
            Add(8, data[6] == 1 ? 2 : 4);
        }

        if (data.Length >= 24 && data[0] == (byte)'G' && data[1] == (byte)'G' && data[2] == (byte)'U' && data[3] == (byte)'F')
        {
            AddGgufFields(data, Add);
        }

        for (var i = 0; i + 4 <= data.Length; i++)
        {
            if (data[i] == (byte)'P' && data[i + 1] == (byte)'K')
            {
                var signature = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(i + 2));
                switch (signature)
                {
                    case 0x0403: // local header: flags, method, crc, sizes, name and extra lengths
                        Add(i + 6, 2); Add(i + 8, 2); Add(i + 14, 4); Add(i + 18, 4); Add(i + 22, 4); Add(i + 26, 2); Add(i + 28, 2);
                        break;
                    case 0x0201: // central header: sizes, lengths, disk, local header offset
                        Add(i + 10, 2); Add(i + 20, 4); Add(i + 24, 4); Add(i + 28, 2); Add(i + 30, 2); Add(i + 32, 2); Add(i + 34, 2); Add(i + 42, 4);
                        break;
                    case 0x0605: // end record: disks, counts, directory size and offset, comment length
                        Add(i + 4, 2); Add(i + 8, 2); Add(i + 10, 2); Add(i + 12, 4); Add(i + 16, 4); Add(i + 20, 2);
                        break;
                    case 0x0606: // zip64 end record: record size, counts, directory size and offset
                        Add(i + 4, 8); Add(i + 24, 8); Add(i + 32, 8); Add(i + 40, 8); Add(i + 48, 8);
                        break;
                    case 0x0706: // zip64 locator: record offset, disk count
                        Add(i + 8, 8); Add(i + 16, 4);
                        break;
                }
            }

            // pickle arguments: FRAME, BINUNICODE8, BINBYTES8, BYTEARRAY8 (8 bytes); BINUNICODE, BINBYTES, BINSTRING,
            // LONG_BINPUT/GET, LONG4 (4 bytes). Any such byte may be one; a few false positives cost nothing.
            switch (data[i])
            {
                case 0x95 or 0x8d or 0x8e or 0x96:
                    Add(i + 1, 8);
                    break;
                case (byte)'X' or (byte)'B' or (byte)'T' or (byte)'r' or (byte)'j' or 0x8b:
                    Add(i + 1, 4);
                    break;
            }
        }

        return fields;
    }

    /// <summary>Offsets of the ustar header blocks in <paramref name="data"/>.</summary>
    private static List<int> FindTarHeaders(byte[] data)
    {
        var headers = new List<int>();
        for (var block = 0; block + 512 <= data.Length; block += 512)
        {
            if (data[block + 257] == (byte)'u' && data[block + 258] == (byte)'s' && data[block + 259] == (byte)'t')
            {
                headers.Add(block);
            }
        }

        return headers;
    }

    /// <summary>Rewrites the size field of a tar header (octal or GNU base-256) and its checksum, so the header stays valid.</summary>
    private byte[] EditTarSize(byte[] data, List<string> steps)
    {
        var header = _tarHeaders[_random.Next(_tarHeaders.Count)];
        if (header + 512 > data.Length)
        {
            steps.Add("tar size edit skipped (header cut off)");
            return data;
        }

        var field = data.AsSpan(header + 124, 12);
        string written;
        switch (_random.Next(5))
        {
            case 0:
                written = "base-256 2^63-1";
                field[0] = 0x80;
                field.Slice(1, 3).Clear();
                BinaryPrimitives.WriteUInt64BigEndian(field.Slice(4), long.MaxValue);
                break;
            default:
                var value = _random.Next(4) switch
                {
                    0 => 0L,
                    1 => data.Length + 1L,
                    2 => 0x1FFFFFFFFL,
                    _ => 077777777777L,
                };
                written = "octal " + value.ToString(CultureInfo.InvariantCulture);
                var octal = Convert.ToString(value, 8).PadLeft(11, '0');
                for (var i = 0; i < 11; i++)
                {
                    field[i] = (byte)octal[i];
                }

                field[11] = 0;
                break;
        }

        var checksum = 0;
        for (var i = 0; i < 512; i++)
        {
            checksum += i is >= 148 and < 156 ? ' ' : data[header + i];
        }

        var text = Convert.ToString(checksum, 8).PadLeft(6, '0');
        for (var i = 0; i < 6; i++)
        {
            data[header + 148 + i] = (byte)text[i];
        }

        data[header + 154] = 0;
        data[header + 155] = (byte)' ';
        steps.Add(string.Create(CultureInfo.InvariantCulture, $"tar header at {header}: size {written}"));
        return data;
    }
}
