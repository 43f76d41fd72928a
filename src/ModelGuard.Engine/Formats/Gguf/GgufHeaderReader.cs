using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>
/// Reads a GGUF header and its tensor infos as the specification (ggml <c>docs/gguf.md</c>) lays them out, with the checks
/// ggml's own reader makes (<c>gguf_init_from_reader</c> in ggml <c>src/gguf.cpp</c>, 2026-08) where they matter for what
/// llama.cpp will load. Tensor data is never read: when the stream can seek, arrays and long strings are skipped with a seek.
/// Every count and length is compared with the bytes left before it is used, and nothing is allocated from a declared
/// count: what is kept grows only with what was actually read (and is capped).
/// </summary>
/// <remarks>
/// Where the specification and gguf.cpp differ, both are checked: the specification allows nested arrays and version 1,
/// gguf.cpp refuses both, so they are read and reported. A failure that leaves the position of the next field unknown
/// (truncation, a length past the end, an unknown value type) stops the reader, as it stops gguf.cpp; the rest are
/// reported and reading goes on, so one scan lists every problem.
/// </remarks>
internal sealed class GgufHeaderReader
{
    /// <summary>gguf.cpp's GGUF_MAX_STRING_LENGTH and GGUF_MAX_ARRAY_ELEMENTS (2^30): it refuses longer strings and arrays.</summary>
    public const ulong ReferenceMaxLength = 1UL << 30;

    /// <summary>ggml's GGML_MAX_DIMS.</summary>
    public const int MaxDimensions = 4;

    /// <summary>ggml's GGML_MAX_NAME: gguf.cpp refuses tensor names of this many bytes or more.</summary>
    public const int MaxTensorNameBytes = 64;

    /// <summary>The specification's limit for keys (2^16 - 1 bytes).</summary>
    public const int MaxKeyBytes = 65535;

    /// <summary>Key-value pairs plus tensor infos one file may declare before the reader stops (MG3020).</summary>
    public const int MaxEntries = 1_048_576;

    /// <summary>Bytes of one chat template kept for the template checks; longer ones are reported as not verified (MG6019).</summary>
    public const int MaxTemplateBytes = 1024 * 1024;

    /// <summary>Bytes of other well-known string values kept (general.architecture and the like).</summary>
    private const int MaxShortTextBytes = 256;

    private static readonly byte[] Magic = { (byte)'G', (byte)'G', (byte)'U', (byte)'F' };

    private readonly BufferedByteReader _reader;
    private readonly long? _length;
    private readonly GgufIssueList _issues;
    private readonly GgufHeader _header = new();
    private bool _wide = true;

    private GgufHeaderReader(Stream content, long? length, GgufIssueList issues)
    {
        _reader = new BufferedByteReader(content);
        _length = length;
        _issues = issues;
    }

    /// <summary>Reads the header of <paramref name="content"/> from its current position; <paramref name="length"/> is its length when known.</summary>
    public static GgufHeader Read(Stream content, long? length, GgufIssueList issues)
    {
        var reader = new GgufHeaderReader(content, length, issues);
        try
        {
            reader._header.Complete = reader.ReadAll();
            reader._header.InfosEnd = reader._reader.Position;
            return reader._header;
        }
        finally
        {
            reader._reader.Dispose();
        }
    }

    private long Position => _reader.Position;

    /// <summary>Bytes left after the current position, or null for a forward-only stream.</summary>
    private long? Left => _length is { } l ? Math.Max(0, l - Position) : null;

    private bool ReadAll()
    {
        Span<byte> magic = stackalloc byte[4];
        if (!_reader.TryReadExact(magic))
        {
            Truncated(0, "the 4-byte magic");
            return false;
        }

        if (!magic.SequenceEqual(Magic))
        {
            _issues.Add(RuleCatalog.GgufUnsupportedHeader, 0, $"the content does not start with the GGUF magic 'GGUF' (bytes {BitConverter.ToString(magic.ToArray())})");
            return false;
        }

        if (!ReadU32(out var version, "the version"))
        {
            return false;
        }

        _header.Version = version;
        if (!CheckVersion(version))
        {
            return false;
        }

        // Version 1 wrote counts, lengths and dimensions as 32-bit values; versions 2 and 3 as 64-bit values.
        _wide = version >= 2;
        if (!ReadCount(out var tensorCount, "the tensor count") || !ReadCount(out var keyValueCount, "the metadata key-value count"))
        {
            return false;
        }

        _header.TensorCount = tensorCount;
        _header.KeyValueCount = keyValueCount;
        if (!CheckCounts(tensorCount, keyValueCount))
        {
            return false;
        }

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (ulong i = 0; i < keyValueCount; i++)
        {
            if (!ReadKeyValue(i, keys))
            {
                return false;
            }
        }

        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (ulong i = 0; i < tensorCount; i++)
        {
            if (!ReadTensorInfo((int)i, names))
            {
                return false;
            }
        }

        return true;
    }

    private bool CheckVersion(uint version)
    {
        // gguf.cpp: version 0 is bad; a version whose low 16 bits are zero was written with the other byte order; 1 is no
        // longer loaded; above 3 is from a newer format. Version 1 is still read (the specification describes it) and reported.
        if (version == 0 || (version & 0xFFFF) == 0 || version > 3)
        {
            var why = version == 0
                ? "version 0 does not exist"
                : (version & 0xFFFF) == 0
                    ? $"version {version} (0x{version:X8}) is a byte-swapped small version: the file was written big-endian, which llama.cpp does not load on little-endian machines and this reader does not validate"
                    : $"version {version} is newer than the highest version the specification and llama.cpp know (3)";
            _issues.Add(RuleCatalog.GgufUnsupportedHeader, 4, why);
            return false;
        }

        if (version == 1)
        {
            _issues.Add(RuleCatalog.GgufUnsupportedHeader, 4, "the file is GGUF version 1, which llama.cpp no longer loads (\"GGUFv1 is no longer supported\"); it was read with version 1's 32-bit counts and lengths");
        }

        return true;
    }

    private bool CheckCounts(ulong tensorCount, ulong keyValueCount)
    {
        // The smallest possible entries: a key-value pair is a 1-byte key, its length, a type and a 1-byte value; a tensor
        // info is a 1-byte name, its length, a dimension count, a type and an offset. Counts that cannot fit are refused before any loop.
        var lengthSize = _wide ? 8UL : 4UL;
        var minKeyValue = lengthSize + 1 + 4 + 1;
        var minTensor = lengthSize + 1 + 4 + 4 + 8;
        if (Left is { } left)
        {
            var room = (ulong)left;
            if (keyValueCount > room / minKeyValue)
            {
                _issues.Add(RuleCatalog.GgufLengthBeyondContent, _wide ? 16 : 12, $"the header declares {keyValueCount} metadata key-value pairs but only {room} bytes follow, room for at most {room / minKeyValue}");
                return false;
            }

            if (tensorCount > (room - (keyValueCount * minKeyValue)) / minTensor)
            {
                _issues.Add(RuleCatalog.GgufLengthBeyondContent, 8, $"the header declares {tensorCount} tensors but only {room} bytes follow the counts, room for at most {(room - (keyValueCount * minKeyValue)) / minTensor} tensor infos after {keyValueCount} key-value pairs");
                return false;
            }
        }

        if (tensorCount > MaxEntries || keyValueCount > MaxEntries || tensorCount + keyValueCount > MaxEntries)
        {
            _issues.Add(RuleCatalog.ScanLimitExceeded, 8, $"the header declares {tensorCount} tensors and {keyValueCount} key-value pairs, more than the {MaxEntries} entries a GGUF header may have (GgufHeaderReader.MaxEntries); the header was not verified");
            return false;
        }

        return true;
    }

    private bool ReadKeyValue(ulong index, HashSet<string> keys)
    {
        var start = Position;
        if (!ReadName(out var key, out var keyLength, MaxKeyBytes, $"the key of metadata entry {index}"))
        {
            return false;
        }

        if (keyLength == 0)
        {
            _issues.Add(RuleCatalog.GgufInvalidName, start, $"metadata entry {index} has an empty key, which llama.cpp refuses");
        }
        else if (key is null)
        {
            _issues.Add(RuleCatalog.GgufInvalidName, start, $"the key of metadata entry {index} is {keyLength} bytes long; the specification allows at most {MaxKeyBytes}");
        }
        else if (!keys.Add(key))
        {
            _issues.Add(RuleCatalog.GgufDuplicateKey, start, $"the key {GgufText.Quote(key)} appears more than once; llama.cpp refuses the file and readers that keep the first or the last value would disagree");
        }

        if (!ReadValueType(out var type, key, "value type"))
        {
            return false;
        }

        var entry = new GgufKeyValue(key ?? string.Empty, start, type);
        if (type == GgufValueType.Array)
        {
            if (!ReadValueType(out var elementType, key, "array element type") || !ReadLength(out var count, "the element count of " + Describe(key)))
            {
                return false;
            }

            entry.ElementType = elementType;
            entry.ArrayLength = count;
            if (elementType == GgufValueType.Array)
            {
                _issues.Add(RuleCatalog.GgufInvalidValueType, start, $"{Describe(key)} is an array of arrays: the specification allows it but llama.cpp refuses it (\"invalid GGUF type\")");
            }

            if (!SkipArray(elementType, count, key))
            {
                return false;
            }
        }
        else if (type == GgufValueType.String)
        {
            if (!ReadStringValue(entry, key))
            {
                return false;
            }
        }
        else
        {
            var size = GgufValueTypes.FixedSize(type);
            Span<byte> value = stackalloc byte[8];
            if (!ReadFixed(value.Slice(0, size), $"the {GgufValueTypes.Name(type)} value of {Describe(key)}"))
            {
                return false;
            }

            entry.Scalar = size switch
            {
                1 => value[0],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(value),
                4 => BinaryPrimitives.ReadUInt32LittleEndian(value),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(value),
            };
        }

        if (key is not null && GgufWellKnownKeys.IsTracked(key) && !_header.WellKnown.ContainsKey(key))
        {
            _header.WellKnown.Add(key, entry);
        }

        if (key is not null && GgufWellKnownKeys.IsChatTemplate(key) && type == GgufValueType.String)
        {
            _header.ChatTemplates.Add(entry);
        }

        return true;
    }

    private bool ReadStringValue(GgufKeyValue entry, string? key)
    {
        if (!ReadLength(out var length, "the length of the string value of " + Describe(key)) || !CheckLength(length, 1, "string value of " + Describe(key)))
        {
            return false;
        }

        entry.TextLength = length;
        entry.ValueOffset = Position;
        var keep = key is null ? 0 : GgufWellKnownKeys.IsChatTemplate(key) ? MaxTemplateBytes : GgufWellKnownKeys.IsTracked(key) ? MaxShortTextBytes : 0;
        if (length <= (ulong)keep)
        {
            var bytes = new byte[(int)length];
            if (!_reader.TryReadExact(bytes))
            {
                return BeyondEnd(entry.ValueOffset, length, "string value of " + Describe(key));
            }

            entry.Text = GgufText.FromBytes(bytes);
            return true;
        }

        return Skip(length, "string value of " + Describe(key));
    }

    /// <summary>Skips an array's elements; nested arrays are walked with an explicit stack, so nesting depth costs no call depth.</summary>
    private bool SkipArray(GgufValueType elementType, ulong count, string? key)
    {
        var pending = new Stack<(GgufValueType Type, ulong Left)>();
        pending.Push((elementType, count));
        while (pending.Count > 0)
        {
            var (type, left) = pending.Pop();
            var what = "array " + Describe(key);
            if (!CheckLength(left, MinimumSize(type), $"{what} ({left} {GgufValueTypes.Name(type)} elements)"))
            {
                return false;
            }

            var fixedSize = GgufValueTypes.FixedSize(type);
            if (fixedSize > 0)
            {
                if (!Skip(left * (ulong)fixedSize, what))
                {
                    return false;
                }

                continue;
            }

            if (left == 0)
            {
                continue;
            }

            if (type == GgufValueType.String && !SkipStrings(left, what))
            {
                return false;
            }

            if (type == GgufValueType.String)
            {
                continue;
            }

            // An array element: its own element type and count, then its elements, before the next sibling.
            pending.Push((type, left - 1));
            if (!ReadValueType(out var innerType, key, "nested array element type") || !ReadLength(out var innerCount, "a nested element count of " + Describe(key)))
            {
                return false;
            }

            pending.Push((innerType, innerCount));
        }

        return true;
    }

    /// <summary>
    /// Skips the strings of a string array (a vocabulary has hundreds of thousands): the per-element checks run without
    /// building a message unless one fails.
    /// </summary>
    private bool SkipStrings(ulong count, string what)
    {
        Span<byte> prefix = stackalloc byte[8];
        var width = _wide ? 8 : 4;
        for (ulong i = 0; i < count; i++)
        {
            var at = Position;
            if (!_reader.TryReadExact(prefix.Slice(0, width)))
            {
                Truncated(at, $"the length of element {i} of {what}");
                return false;
            }

            var length = _wide ? BinaryPrimitives.ReadUInt64LittleEndian(prefix) : BinaryPrimitives.ReadUInt32LittleEndian(prefix);
            var fits = Left is not { } left || length <= (ulong)left;
            if (!fits || length > ReferenceMaxLength || _reader.Skip((long)length) != (long)length)
            {
                return CheckLength(length, 1, $"element {i} of {what}") && BeyondEnd(at + width, length, $"element {i} of {what}");
            }
        }

        return true;
    }

    private static ulong MinimumSize(GgufValueType type) => type switch
    {
        GgufValueType.String => 8,
        GgufValueType.Array => 12,
        _ => (ulong)GgufValueTypes.FixedSize(type),
    };

    private bool ReadTensorInfo(int index, Dictionary<string, int> names)
    {
        var start = Position;
        if (!ReadName(out var name, out var nameLength, MaxKeyBytes, $"the name of tensor {index}"))
        {
            return false;
        }

        var shown = name is null ? $"tensor {index}" : $"tensor {GgufText.Quote(name)}";
        if (nameLength >= MaxTensorNameBytes)
        {
            _issues.Add(RuleCatalog.GgufInvalidName, start, $"the name of {shown} is {nameLength} bytes long; llama.cpp refuses names of {MaxTensorNameBytes} bytes or more (GGML_MAX_NAME)");
        }

        var info = new GgufTensorInfo(name ?? string.Empty, start);
        if (name is not null)
        {
            // gguf.cpp compares names with strcmp: bytes after a NUL do not count, so "a\0x" and "a\0y" are the same name.
            var nul = name.IndexOf('\0');
            var compared = nul >= 0 ? name.Substring(0, nul) : name;
            if (names.TryGetValue(compared, out var first))
            {
                _issues.Add(RuleCatalog.GgufDuplicateTensorName, start, $"{shown} has the same name as tensor {first}{(nul >= 0 ? " (names compare up to their first NUL byte)" : string.Empty)}; llama.cpp refuses the file");
            }
            else
            {
                names.Add(compared, index);
            }
        }

        if (!ReadU32(out var dimensionCount, $"the dimension count of {shown}"))
        {
            return false;
        }

        if (dimensionCount > MaxDimensions)
        {
            _issues.Add(RuleCatalog.GgufInvalidTensorShape, start, $"{shown} has {dimensionCount} dimensions; ggml allows at most {MaxDimensions} (GGML_MAX_DIMS)");
        }

        var dimensionSize = _wide ? 8UL : 4UL;
        if (!CheckLength(dimensionCount, dimensionSize, $"dimensions of {shown}"))
        {
            return false;
        }

        var kept = new long[Math.Min(dimensionCount, (uint)MaxDimensions)];
        for (var d = 0u; d < dimensionCount; d++)
        {
            if (!ReadLength(out var raw, $"dimension {d} of {shown}"))
            {
                return false;
            }

            if (d < kept.Length)
            {
                kept[d] = unchecked((long)raw);
            }
        }

        info.Dimensions = kept;
        if (!ReadU32(out var typeId, $"the ggml type of {shown}"))
        {
            return false;
        }

        info.TypeId = typeId;
        info.Type = GgmlType.Find(typeId);
        if (!ReadU64(out var dataOffset, $"the data offset of {shown}"))
        {
            return false;
        }

        info.DataOffset = dataOffset;
        _header.Tensors.Add(info);
        return true;
    }

    /// <summary>Reads a length-prefixed name, kept when at most <paramref name="keep"/> bytes (otherwise skipped, <paramref name="name"/> null).</summary>
    private bool ReadName(out string? name, out ulong length, int keep, string what)
    {
        name = null;
        if (!ReadLength(out length, "the length of " + what) || !CheckLength(length, 1, what))
        {
            return false;
        }

        if (length > (ulong)keep)
        {
            return Skip(length, what);
        }

        var start = Position;
        var bytes = new byte[(int)length];
        if (!_reader.TryReadExact(bytes))
        {
            return BeyondEnd(start, length, what);
        }

        name = GgufText.FromBytes(bytes);
        return true;
    }

    private bool ReadValueType(out GgufValueType type, string? key, string what)
    {
        type = default;
        var at = Position;
        if (!ReadU32(out var raw, $"the {what} of {Describe(key)}"))
        {
            return false;
        }

        if (raw > GgufValueTypes.Last)
        {
            _issues.Add(RuleCatalog.GgufInvalidValueType, at, $"{Describe(key)} has {what} {(int)raw}, which is not a GGUF type (0-{GgufValueTypes.Last}); its size is unknown, so nothing after it can be read");
            return false;
        }

        type = (GgufValueType)raw;
        return true;
    }

    /// <summary>A count or length: 64-bit in versions 2 and 3, 32-bit in version 1.</summary>
    private bool ReadLength(out ulong value, string what)
    {
        if (_wide)
        {
            return ReadU64(out value, what);
        }

        var ok = ReadU32(out var narrow, what);
        value = narrow;
        return ok;
    }

    private bool ReadCount(out ulong value, string what) => ReadLength(out value, what);

    /// <summary>Checks that <paramref name="count"/> items of at least <paramref name="itemSize"/> bytes fit in what is left and in gguf.cpp's limits.</summary>
    private bool CheckLength(ulong count, ulong itemSize, string what)
    {
        if (Left is { } left && itemSize > 0 && count > (ulong)left / itemSize)
        {
            var needs = itemSize == 1 ? $"{count} bytes" : $"{count} items of at least {itemSize} bytes";
            _issues.Add(RuleCatalog.GgufLengthBeyondContent, Position, $"the {what} declares {needs} but only {left} bytes are left in the file");
            return false;
        }

        if (count > ReferenceMaxLength)
        {
            _issues.Add(RuleCatalog.GgufLengthBeyondContent, Position, $"the {what} declares {count} {(itemSize == 1 ? "bytes" : "elements")}, more than llama.cpp reads (2^30, GGUF_MAX_STRING_LENGTH / GGUF_MAX_ARRAY_ELEMENTS)");
            return false;
        }

        return true;
    }

    private bool Skip(ulong count, string what)
    {
        var start = Position;
        if (count > long.MaxValue || _reader.Skip((long)count) != (long)count)
        {
            return BeyondEnd(start, count, what);
        }

        return true;
    }

    private bool BeyondEnd(long start, ulong count, string what)
    {
        _issues.Add(RuleCatalog.GgufLengthBeyondContent, start, $"the {what} declares {count} bytes but the content ends before them");
        return false;
    }

    private bool ReadU32(out uint value, string what)
    {
        Span<byte> bytes = stackalloc byte[4];
        var ok = ReadFixed(bytes, what);
        value = ok ? BinaryPrimitives.ReadUInt32LittleEndian(bytes) : 0;
        return ok;
    }

    private bool ReadU64(out ulong value, string what)
    {
        Span<byte> bytes = stackalloc byte[8];
        var ok = ReadFixed(bytes, what);
        value = ok ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : 0;
        return ok;
    }

    /// <summary>Fills <paramref name="bytes"/>; reports a truncation (MG6001) naming <paramref name="what"/> when the content ends first.</summary>
    private bool ReadFixed(Span<byte> bytes, string what)
    {
        var at = Position;
        if (_reader.TryReadExact(bytes))
        {
            return true;
        }

        Truncated(at, what);
        return false;
    }

    private void Truncated(long at, string what)
        => _issues.Add(RuleCatalog.GgufTruncated, at, $"the content ends inside {what} (offset {at}); the rest of the header is missing");

    private static string Describe(string? key) => key is null ? "a metadata entry" : $"key {GgufText.Quote(key)}";
}
