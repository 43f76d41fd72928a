using ModelGuard.Engine.Findings;
using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>
/// Reads the 8-byte length and the JSON header of a safetensors file, never the tensor bytes, applying the
/// reference reader's checks 1 to 6 in its order: length field, header size limit, header inside the file, strict
/// UTF-8, exactly one JSON value, schema. Malformed content becomes a failure, never an exception (only the stream's
/// own failures propagate).
/// </summary>
internal static class SafetensorsHeaderReader
{
    /// <summary>The reference's <c>MAX_HEADER_SIZE</c>; a header of exactly this size is accepted.</summary>
    public const ulong MaxHeaderLength = 100_000_000;

    /// <summary>Size of the little-endian u64 header length.</summary>
    public const int LengthFieldSize = 8;

    /// <summary>How much of a <c>__metadata__</c> value is kept (enough for <c>format</c> and a message).</summary>
    public const int KeptMetadataValueLength = 256;

    /// <summary>How much of a <c>__metadata__</c> key is kept.</summary>
    public const int KeptMetadataKeyLength = 4096;

    private const string MetadataKey = "__metadata__";
    private const int KeptFieldNameLength = 64;

    private static readonly string[] FieldNames = { "dtype", "shape", "data_offsets" };

    /// <summary>
    /// Reads from the stream's current position. <paramref name="length"/> is the content length when known (seekable
    /// content); otherwise the rest of the stream is counted after a valid header, which for compressed members is the
    /// only way to learn it.
    /// </summary>
    public static SafetensorsHeaderReadResult Read(Stream content, long? length)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        var prefix = new byte[LengthFieldSize];
        var got = content.ReadAtMost(prefix, prefix.Length);
        if (got < LengthFieldSize)
        {
            return Fail(
                RuleCatalog.SafetensorsHeaderTooSmall,
                0,
                $"the content is {got} bytes long, shorter than the 8-byte header length every safetensors file starts with");
        }

        var n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > MaxHeaderLength)
        {
            return Fail(
                RuleCatalog.SafetensorsHeaderTooLarge,
                0,
                $"the header length field says {n} bytes; the reference reader refuses headers larger than {MaxHeaderLength} bytes");
        }

        if (length is { } known && n > (ulong)Math.Max(0, known - LengthFieldSize))
        {
            return OutOfBounds(n, known - LengthFieldSize);
        }

        var parser = new HeaderParser();
        using (var reader = new JsonReader(content, (long)n, LengthFieldSize, JsonReaderOptions.SerdeJson))
        {
            try
            {
                parser.Parse(reader);
            }
            catch (JsonReaderException ex)
            {
                return ex.Kind switch
                {
                    JsonErrorKind.Truncated => OutOfBounds(n, ex.Offset - LengthFieldSize),
                    JsonErrorKind.InvalidUtf8 => Fail(RuleCatalog.SafetensorsHeaderNotUtf8, ex.Offset, $"the header is not valid UTF-8: {ex.Message}"),
                    _ => Fail(
                        RuleCatalog.SafetensorsHeaderNotJson,
                        ex.Offset,
                        n == 0 ? "the header length is 0, so there is no JSON object to read" : $"the {n}-byte header is not one valid JSON value: {ex.Message}"),
                };
            }
            catch (SchemaException ex)
            {
                return new SafetensorsHeaderReadResult(null, new FormatIssue(RuleCatalog.SafetensorsHeaderSchemaViolation, ex.Offset, ex.Message), confirmed: true);
            }

            var fileLength = length ?? (LengthFieldSize + (long)n + CountRest(content));
            var header = new SafetensorsHeader(n, fileLength, parser.Entries)
            {
                HasMetadataKey = parser.HasMetadataKey,
                MetadataOffset = parser.MetadataOffset,
                Metadata = parser.Metadata,
                LeadingWhitespace = reader.LeadingWhitespace,
                FirstNonSpacePadding = reader.FirstNonSpaceTrailingWhitespace,
            };
            return new SafetensorsHeaderReadResult(header, null, confirmed: true);
        }
    }

    private static SafetensorsHeaderReadResult Fail(RuleDescriptor rule, long? offset, string message)
        => new(null, new FormatIssue(rule, offset, message), confirmed: false);

    private static SafetensorsHeaderReadResult OutOfBounds(ulong n, long available)
        => Fail(
            RuleCatalog.SafetensorsHeaderLengthOutOfBounds,
            0,
            $"the header length field says {n} bytes but only {Math.Max(0, available)} bytes follow it");

    private static long CountRest(Stream content)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long total = 0;
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The header matches JSON but not the schema the reference deserializes into.</summary>
    private sealed class SchemaException : Exception
    {
        public SchemaException(long offset, string message)
            : base(message)
        {
            Offset = offset;
        }

        public SchemaException()
        {
        }

        public SchemaException(string message)
            : base(message)
        {
        }

        public SchemaException(string message, Exception innerException)
            : base(message, innerException)
        {
        }

        public long Offset { get; }
    }

    /// <summary>
    /// Walks the header the way serde deserializes the reference's <c>HashMetadata</c>: <c>__metadata__</c> is a named
    /// field, checked as it is read; every other member is first buffered (only its JSON syntax counts), and converted to
    /// <c>TensorInfo</c> after the closing brace, in document order; trailing characters are checked last.
    /// </summary>
    private sealed class HeaderParser
    {
        private readonly List<SafetensorsTensorInfo> _entries = new();
        private readonly List<ulong> _integers = new();
        private JsonReader _reader = null!;
        private SchemaException? _deferred;
        private int _entryCount;

        public IReadOnlyList<SafetensorsTensorInfo> Entries => _entries;

        public bool HasMetadataKey { get; private set; }

        public long MetadataOffset { get; private set; }

        public List<SafetensorsMetadataEntry>? Metadata { get; private set; }

        public void Parse(JsonReader reader)
        {
            _reader = reader;
            reader.Read();
            if (reader.TokenKind != JsonTokenKind.StartObject)
            {
                if (reader.TokenKind == JsonTokenKind.String)
                {
                    reader.GetString(0);
                }

                throw Schema(reader.TokenOffset, $"the header is {SafetensorsText.Kind(reader.TokenKind)}, not a JSON object");
            }

            while (true)
            {
                reader.Read();
                if (reader.TokenKind == JsonTokenKind.EndObject)
                {
                    break;
                }

                var nameOffset = reader.TokenOffset;
                var name = reader.GetString();
                if (string.Equals(name, MetadataKey, StringComparison.Ordinal))
                {
                    if (HasMetadataKey)
                    {
                        throw Schema(nameOffset, $"the header has a second \"__metadata__\" member (the first is at offset {MetadataOffset}); serde refuses a duplicate field");
                    }

                    HasMetadataKey = true;
                    MetadataOffset = nameOffset;
                    ReadMetadata();
                }
                else
                {
                    ReadTensor(name, nameOffset);
                }
            }

            if (_deferred is not null)
            {
                _reader.CheckInputToEnd();
                throw _deferred;
            }

            reader.ReadEndOfInput();
        }

        private SchemaException Schema(long offset, string message)
        {
            // Truncation and invalid UTF-8 anywhere in the header outrank a schema error, as in the reference.
            _reader.CheckInputToEnd();
            return new SchemaException(offset, message);
        }

        private void ReadMetadata()
        {
            var reader = _reader;
            reader.Read();
            switch (reader.TokenKind)
            {
                case JsonTokenKind.Null:
                    Metadata = null;
                    return;

                case JsonTokenKind.StartObject:
                    break;

                default:
                    if (reader.TokenKind == JsonTokenKind.String)
                    {
                        reader.GetString(0);
                    }

                    throw Schema(reader.TokenOffset, $"\"__metadata__\" is {SafetensorsText.Kind(reader.TokenKind)}; the reference reader accepts only an object of strings or null");
            }

            var entries = new List<SafetensorsMetadataEntry>();
            while (true)
            {
                reader.Read();
                if (reader.TokenKind == JsonTokenKind.EndObject)
                {
                    break;
                }

                var keyOffset = reader.TokenOffset;
                var key = reader.GetString(KeptMetadataKeyLength);
                var keyLength = reader.StringUtf8Length;
                reader.Read();
                if (reader.TokenKind != JsonTokenKind.String)
                {
                    throw Schema(
                        reader.TokenOffset,
                        $"\"__metadata__\" value for key {SafetensorsText.Quote(key)} is {SafetensorsText.Kind(reader.TokenKind)}, not a string; the reference reader accepts only strings");
                }

                var value = reader.GetString(KeptMetadataValueLength);
                entries.Add(new SafetensorsMetadataEntry(key, keyLength, value, reader.StringTruncated, reader.StringUtf8Length, keyOffset));
            }

            Metadata = entries;
        }

        private void ReadTensor(string name, long nameOffset)
        {
            var reader = _reader;
            var depth = reader.Depth;
            var index = _entryCount++;
            reader.Read();
            if (_deferred is null)
            {
                var info = ReadTensorValue(name, nameOffset, index, out var problem);
                if (info is not null)
                {
                    _entries.Add(info);
                }
                else
                {
                    _deferred = problem;
                }
            }

            // Whatever the schema said, the rest of the value must still be valid JSON.
            while (reader.Depth > depth)
            {
                reader.Read();
            }
        }

        private SafetensorsTensorInfo? ReadTensorValue(string name, long nameOffset, int index, out SchemaException? problem)
        {
            var reader = _reader;
            var tensor = SafetensorsText.Quote(name);
            var fields = new TensorFields();
            problem = null;
            switch (reader.TokenKind)
            {
                case JsonTokenKind.StartObject:
                    while (true)
                    {
                        reader.Read();
                        if (reader.TokenKind == JsonTokenKind.EndObject)
                        {
                            break;
                        }

                        var keyOffset = reader.TokenOffset;
                        var key = reader.GetString(KeptFieldNameLength, FieldNames);
                        var known = !reader.StringTruncated;
                        reader.Read();
                        if (known && key == "dtype")
                        {
                            problem = fields.HasDtype ? Deferred(keyOffset, $"tensor {tensor} has a second \"dtype\" field; serde refuses a duplicate field") : ReadDtype(tensor, ref fields);
                        }
                        else if (known && key == "shape")
                        {
                            problem = fields.Shape is not null ? Deferred(keyOffset, $"tensor {tensor} has a second \"shape\" field; serde refuses a duplicate field") : ReadIntegers(tensor, "shape", -1, out fields.Shape);
                        }
                        else if (known && key == "data_offsets")
                        {
                            problem = fields.Offsets is not null ? Deferred(keyOffset, $"tensor {tensor} has a second \"data_offsets\" field; serde refuses a duplicate field") : ReadIntegers(tensor, "data_offsets", 2, out fields.Offsets);
                        }
                        else
                        {
                            // Unknown fields are ignored by the reference (their JSON must still be valid).
                            reader.Skip();
                        }

                        if (problem is not null)
                        {
                            return null;
                        }
                    }

                    var missing = !fields.HasDtype ? "dtype" : fields.Shape is null ? "shape" : fields.Offsets is null ? "data_offsets" : null;
                    if (missing is not null)
                    {
                        problem = Deferred(nameOffset, $"tensor {tensor} has no \"{missing}\" field; dtype, shape and data_offsets are required");
                        return null;
                    }

                    break;

                case JsonTokenKind.StartArray:
                    // serde also builds a struct from a sequence of its fields in declaration order.
                    fields.WrittenAsArray = true;
                    var element = 0;
                    while (true)
                    {
                        reader.Read();
                        if (reader.TokenKind == JsonTokenKind.EndArray)
                        {
                            break;
                        }

                        problem = element switch
                        {
                            0 => ReadDtype(tensor, ref fields),
                            1 => ReadIntegers(tensor, "shape", -1, out fields.Shape),
                            2 => ReadIntegers(tensor, "data_offsets", 2, out fields.Offsets),
                            _ => null,
                        };
                        if (element > 2)
                        {
                            reader.Skip();
                        }

                        if (problem is not null)
                        {
                            return null;
                        }

                        element++;
                    }

                    if (element != 3)
                    {
                        problem = Deferred(nameOffset, $"tensor {tensor} is an array of {element} elements; as an array it must be exactly [dtype, shape, data_offsets]");
                        return null;
                    }

                    break;

                default:
                    if (reader.TokenKind == JsonTokenKind.String)
                    {
                        reader.GetString(0);
                    }

                    problem = Deferred(reader.TokenOffset, $"tensor {tensor} is {SafetensorsText.Kind(reader.TokenKind)}, not an object with dtype, shape and data_offsets");
                    return null;
            }

            return new SafetensorsTensorInfo(name, nameOffset, index, fields.Dtype, fields.Shape!, fields.Offsets![0], fields.Offsets[1])
            {
                WrittenAsArray = fields.WrittenAsArray,
                DtypeWrittenAsObject = fields.DtypeAsObject,
            };
        }

        /// <summary>Reads a dtype at the current token: a case-sensitive name, or serde's map form <c>{"F32": null}</c>.</summary>
        private SchemaException? ReadDtype(string tensor, ref TensorFields fields)
        {
            var reader = _reader;
            var at = reader.TokenOffset;
            switch (reader.TokenKind)
            {
                case JsonTokenKind.String:
                    var name = reader.GetString(KeptFieldNameLength, SafetensorsDtypes.AllNames);
                    if (reader.StringTruncated || !SafetensorsDtypes.TryParse(name, out fields.Dtype))
                    {
                        return UnknownDtype(at, tensor, name);
                    }

                    fields.HasDtype = true;
                    return null;

                case JsonTokenKind.StartObject:
                    var members = 0;
                    string? variant = null;
                    var valueKind = JsonTokenKind.None;
                    while (true)
                    {
                        reader.Read();
                        if (reader.TokenKind == JsonTokenKind.EndObject)
                        {
                            break;
                        }

                        members++;
                        var key = reader.GetString(KeptFieldNameLength);
                        var truncated = reader.StringTruncated;
                        reader.Read();
                        if (members == 1)
                        {
                            variant = truncated ? key + "..." : key;
                            valueKind = reader.TokenKind;
                        }

                        reader.Skip();
                    }

                    if (members != 1)
                    {
                        return Deferred(at, $"tensor {tensor} has a dtype object with {members} members; a dtype is a name such as \"F32\"");
                    }

                    if (!SafetensorsDtypes.TryParse(variant!, out fields.Dtype))
                    {
                        return UnknownDtype(at, tensor, variant!);
                    }

                    if (valueKind != JsonTokenKind.Null)
                    {
                        return Deferred(at, $"tensor {tensor} has a dtype object whose value is {SafetensorsText.Kind(valueKind)}; a dtype is a name such as \"F32\"");
                    }

                    fields.HasDtype = true;
                    fields.DtypeAsObject = true;
                    return null;

                default:
                    return Deferred(at, $"tensor {tensor} has a dtype that is {SafetensorsText.Kind(reader.TokenKind)}; a dtype is a name such as \"F32\"");
            }
        }

        private SchemaException UnknownDtype(long at, string tensor, string name)
            => Deferred(at, $"tensor {tensor} has dtype {SafetensorsText.Quote(name)}, which is not a safetensors dtype (names are case-sensitive: {string.Join(", ", SafetensorsDtypes.AllNames)})");

        /// <summary>
        /// Reads an array of usize at the current token: <paramref name="exact"/> elements (-1 for any). Like serde's
        /// tuple, elements past the expected count are only counted.
        /// </summary>
        private SchemaException? ReadIntegers(string tensor, string field, int exact, out ulong[]? values)
        {
            var reader = _reader;
            values = null;
            var at = reader.TokenOffset;
            if (reader.TokenKind != JsonTokenKind.StartArray)
            {
                if (reader.TokenKind == JsonTokenKind.String)
                {
                    reader.GetString(0);
                }

                return Deferred(at, $"tensor {tensor} has a {field} that is {SafetensorsText.Kind(reader.TokenKind)}, not an array of non-negative integers");
            }

            var list = _integers;
            list.Clear();
            var count = 0;
            while (true)
            {
                reader.Read();
                if (reader.TokenKind == JsonTokenKind.EndArray)
                {
                    break;
                }

                count++;
                if (exact >= 0 && count > exact)
                {
                    reader.Skip();
                    continue;
                }

                if (reader.TokenKind == JsonTokenKind.Number && reader.GetNumber().TryGetUInt64(out var value))
                {
                    list.Add(value);
                    continue;
                }

                var what = reader.TokenKind == JsonTokenKind.Number ? "the " + reader.GetNumber().Describe() : SafetensorsText.Kind(reader.TokenKind);
                if (reader.TokenKind == JsonTokenKind.String)
                {
                    reader.GetString(0);
                }

                return Deferred(
                    reader.TokenOffset,
                    $"tensor {tensor} has {what} in {field}; the reference reader accepts only integer literals from 0 to 18446744073709551615 (no fraction, exponent or sign)");
            }

            if (exact >= 0 && count != exact)
            {
                return Deferred(at, $"tensor {tensor} has {SafetensorsText.Count(count, "element")} in {field}; it must have exactly {exact}");
            }

            values = list.Count == 0 ? Array.Empty<ulong>() : list.ToArray();
            return null;
        }

        private static SchemaException Deferred(long offset, string message) => new(offset, message);

        private struct TensorFields
        {
            public bool HasDtype;
            public SafetensorsDtype Dtype;
            public ulong[]? Shape;
            public ulong[]? Offsets;
            public bool WrittenAsArray;
            public bool DtypeAsObject;
        }
    }
}

/// <summary>What <see cref="SafetensorsHeaderReader.Read"/> found.</summary>
internal sealed class SafetensorsHeaderReadResult
{
    public SafetensorsHeaderReadResult(SafetensorsHeader? header, FormatIssue? failure, bool confirmed)
    {
        Header = header;
        Failure = failure;
        IsJsonHeader = confirmed;
    }

    /// <summary>The header, when it is valid JSON that matches the schema.</summary>
    public SafetensorsHeader? Header { get; }

    /// <summary>The first reference check that failed (checks 1 to 6), or null.</summary>
    public FormatIssue? Failure { get; }

    /// <summary>
    /// The header got past the structural checks (length, UTF-8, JSON syntax): the content is a JSON-headed safetensors
    /// file even if its schema is wrong, not other binary data that merely starts like one.
    /// </summary>
    public bool IsJsonHeader { get; }
}
