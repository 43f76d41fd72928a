using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;

namespace ModelGuard.Engine.Formats.Json;

/// <summary>
/// A strict, streaming, forward-only JSON tokenizer (RFC 8259) over a declared number of bytes of a stream, with
/// one pooled buffer. It accepts exactly one value surrounded by JSON whitespace (space, tab, LF, CR), reports the
/// byte offset of every error, never recurses, and refuses nesting past <see cref="JsonReaderOptions.MaxDepth"/>.
/// Strings are decoded only when asked (<see cref="GetString"/>), up to a length the caller picks, so a hostile
/// input never materialises more than the caller needs. Object members come in document order, duplicates included.
/// </summary>
/// <remarks>
/// Error precedence follows the safetensors reference, which decides UTF-8 validity of the whole input before
/// parsing: every error first drains the rest of the declared input, then reports truncation if the stream was
/// shorter than declared, else the first invalid UTF-8 sequence anywhere, else the grammar error.
/// </remarks>
internal sealed class JsonReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int MaxNumberPreview = 40;

    private static readonly double[] PowersOfTen = CreatePowersOfTen();

    private readonly Stream _stream;
    private readonly long _baseOffset;
    private readonly JsonReaderOptions _options;
    private readonly Utf8Validator _utf8 = new();
    private readonly bool[] _isObject;
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _numberText = new();
    private char[] _chars = new char[256];
    private byte[] _buffer;
    private int _pos;
    private int _end;
    private long _bufferStart;
    private long _loaded;
    private long _declaredLength;
    private long? _truncatedAt;
    private int _depth;
    private State _state;
    private bool _stringPending;
    private JsonNumber _number;

    /// <summary>Reads <paramref name="length"/> bytes of <paramref name="stream"/> from its current position.</summary>
    /// <param name="stream">The input; the reader never reads more than <paramref name="length"/> bytes of it and does not close it.</param>
    /// <param name="length">How many bytes the JSON text has.</param>
    /// <param name="baseOffset">Added to every offset the reader reports (for example the position of the text in its file).</param>
    /// <param name="options">Limits; <see cref="JsonReaderOptions.Default"/> when null.</param>
    public JsonReader(Stream stream, long length, long baseOffset = 0, JsonReaderOptions? options = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        if (length < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "The length cannot be negative.");
        }

        _declaredLength = length;
        _baseOffset = baseOffset;
        _options = options ?? JsonReaderOptions.Default;
        _isObject = new bool[Math.Max(1, _options.MaxDepth)];
        _buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(BufferSize, Math.Max(16, length)));
        if (length == 0)
        {
            _utf8.Complete();
        }
    }

    /// <summary>Reads all of <paramref name="data"/>.</summary>
    public JsonReader(byte[] data, JsonReaderOptions? options = null)
        : this(new MemoryStream(data ?? throw new ArgumentNullException(nameof(data)), writable: false), data.Length, 0, options)
    {
    }

    private enum State
    {
        Start,
        ObjectFirst,
        ObjectNext,
        AfterName,
        ArrayFirst,
        ArrayNext,
        Done,
    }

    /// <summary>The current token.</summary>
    public JsonTokenKind TokenKind { get; private set; }

    /// <summary>Offset of the current token's first byte (its opening quote for strings), base offset included.</summary>
    public long TokenOffset { get; private set; }

    /// <summary>How many arrays and objects enclose the current position (a <c>{</c> token counts itself).</summary>
    public int Depth => _depth;

    /// <summary>Whitespace bytes before the top-level value.</summary>
    public long LeadingWhitespace { get; private set; }

    /// <summary>Whitespace bytes after the top-level value (known after <see cref="ReadEndOfInput"/>).</summary>
    public long TrailingWhitespace { get; private set; }

    /// <summary>Offset of the first tab, LF or CR in the trailing whitespace, if any (known after <see cref="ReadEndOfInput"/>).</summary>
    public long? FirstNonSpaceTrailingWhitespace { get; private set; }

    /// <summary>UTF-16 length of the last string decoded or skipped.</summary>
    public long StringLength { get; private set; }

    /// <summary>UTF-8 length of the last string decoded or skipped, after unescaping.</summary>
    public long StringUtf8Length { get; private set; }

    /// <summary>The last <see cref="GetString"/> returned only a prefix of the string.</summary>
    public bool StringTruncated { get; private set; }

    /// <summary>Offset just past the last token read (for numbers and literals, the byte after them).</summary>
    public long Position => _baseOffset + _bufferStart + _pos;

    /// <summary>
    /// Moves to the next token. Returns false once the top-level value is complete (then call
    /// <see cref="ReadEndOfInput"/>). A string or name not read with <see cref="GetString"/> is skipped (and validated).
    /// </summary>
    /// <exception cref="JsonReaderException">The input is refused.</exception>
    public bool Read()
    {
        if (_stringPending)
        {
            ReadStringBody(null, 0);
        }

        if (_state == State.Done)
        {
            TokenKind = JsonTokenKind.None;
            return false;
        }

        var whitespace = SkipWhitespace(out _);
        if (_state == State.Start)
        {
            LeadingWhitespace = whitespace;
        }

        var c = Peek();
        switch (_state)
        {
            case State.Start:
                ReadValue(c);
                return true;

            case State.ArrayFirst:
                if (c == ']')
                {
                    EndContainer(JsonTokenKind.EndArray);
                    return true;
                }

                ReadValue(c);
                return true;

            case State.ArrayNext:
                if (c == ',')
                {
                    _pos++;
                    SkipWhitespace(out _);
                    c = Peek();
                    if (c == ']')
                    {
                        throw Fail(Here, "trailing comma before ']'");
                    }

                    ReadValue(c);
                    return true;
                }

                if (c == ']')
                {
                    EndContainer(JsonTokenKind.EndArray);
                    return true;
                }

                throw Fail(Here, c < 0 ? "the input ends inside an array" : $"expected ',' or ']' after an array element, found {Show(c)}");

            case State.ObjectFirst:
            case State.ObjectNext:
                if (c == '}')
                {
                    EndContainer(JsonTokenKind.EndObject);
                    return true;
                }

                if (_state == State.ObjectNext)
                {
                    if (c != ',')
                    {
                        throw Fail(Here, c < 0 ? "the input ends inside an object" : $"expected ',' or '}}' after an object member, found {Show(c)}");
                    }

                    _pos++;
                    SkipWhitespace(out _);
                    c = Peek();
                    if (c == '}')
                    {
                        throw Fail(Here, "trailing comma before '}'");
                    }
                }

                if (c != '"')
                {
                    throw Fail(Here, c < 0 ? "the input ends inside an object" : $"expected a member name (a string), found {Show(c)}");
                }

                TokenOffset = Here;
                _pos++;
                TokenKind = JsonTokenKind.PropertyName;
                _stringPending = true;
                _state = State.AfterName;
                return true;

            case State.AfterName:
                if (c != ':')
                {
                    throw Fail(Here, c < 0 ? "the input ends after a member name" : $"expected ':' after a member name, found {Show(c)}");
                }

                _pos++;
                SkipWhitespace(out _);
                ReadValue(Peek());
                return true;

            default:
                throw new InvalidOperationException("Unexpected reader state.");
        }
    }

    /// <summary>
    /// Decodes the current string or member name (once), keeping at most <paramref name="maxLength"/> UTF-16 characters;
    /// the rest is still validated and counted in <see cref="StringLength"/> and <see cref="StringUtf8Length"/>. When the
    /// string equals one of <paramref name="known"/>, that instance is returned instead of a new one.
    /// </summary>
    public string GetString(int maxLength = int.MaxValue, IReadOnlyList<string>? known = null)
    {
        if (!_stringPending)
        {
            throw new InvalidOperationException("The reader is not on an unread string.");
        }

        _text.Clear();
        ReadStringBody(_text, maxLength);
        if (known is not null && !StringTruncated)
        {
            foreach (var candidate in known)
            {
                if (Equals(_text, candidate))
                {
                    return candidate;
                }
            }
        }

        return _text.ToString();
    }

    private static bool Equals(StringBuilder text, string candidate)
    {
        if (text.Length != candidate.Length)
        {
            return false;
        }

        for (var i = 0; i < candidate.Length; i++)
        {
            if (text[i] != candidate[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The current number token.</summary>
    public JsonNumber GetNumber()
    {
        if (TokenKind != JsonTokenKind.Number)
        {
            throw new InvalidOperationException("The reader is not on a number.");
        }

        return _number;
    }

    /// <summary>
    /// Skips the rest of the current value: on <see cref="JsonTokenKind.StartObject"/> or <see cref="JsonTokenKind.StartArray"/>
    /// up to its end token, on a member name its value, otherwise nothing (a pending string is skipped by the next read).
    /// </summary>
    public void Skip()
    {
        if (TokenKind == JsonTokenKind.PropertyName)
        {
            Read();
        }

        if (TokenKind is JsonTokenKind.StartObject or JsonTokenKind.StartArray)
        {
            var depth = _depth - 1;
            while (_depth > depth)
            {
                Read();
            }
        }
    }

    /// <summary>
    /// After the top-level value: only whitespace may follow up to the declared length. Also reports truncation and
    /// invalid UTF-8 anywhere in the input, so a successful return means the whole input is accepted.
    /// </summary>
    public void ReadEndOfInput()
    {
        if (_stringPending)
        {
            ReadStringBody(null, 0);
        }

        if (_state != State.Done)
        {
            throw new InvalidOperationException("The top-level value has not been read completely.");
        }

        TrailingWhitespace = SkipWhitespace(out var firstNonSpace);
        FirstNonSpaceTrailingWhitespace = firstNonSpace;
        var c = Peek();
        if (c >= 0)
        {
            throw Fail(Here, $"trailing characters after the JSON value: {Show(c)}");
        }

        CheckInputToEnd();
    }

    /// <summary>
    /// Reads (and discards) the rest of the declared input, then throws if the stream was shorter than declared or the
    /// input holds invalid UTF-8 anywhere. A caller that refuses the content for its own reasons calls this first, so
    /// these problems outrank its own, as they do in the reference reader.
    /// </summary>
    public void CheckInputToEnd()
    {
        Drain();
        if (_truncatedAt is { } truncated)
        {
            throw new JsonReaderException(JsonErrorKind.Truncated, _baseOffset + truncated, $"the input ends after {truncated} of its {_declaredLength} declared bytes");
        }

        if (_utf8.ErrorOffset is { } bad)
        {
            throw new JsonReaderException(JsonErrorKind.InvalidUtf8, bad, _utf8.ErrorReason!);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_buffer.Length != 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = Array.Empty<byte>();
            _pos = 0;
            _end = 0;
        }
    }

    private long Here => _baseOffset + _bufferStart + _pos;

    private static string Show(int c) => c switch
    {
        < 0 => "the end of the input",
        >= 0x20 and < 0x7F => $"'{(char)c}'",
        _ => $"byte 0x{c:X2}",
    };

    private static double[] CreatePowersOfTen()
    {
        var powers = new double[309];
        for (var i = 0; i < powers.Length; i++)
        {
            powers[i] = double.Parse("1e" + i.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        }

        return powers;
    }

    private static bool Overflows(ulong value, int digit)
        => value >= ulong.MaxValue / 10 && (value > ulong.MaxValue / 10 || (ulong)digit > ulong.MaxValue % 10);

    private static bool IsDigit(int c) => c is >= '0' and <= '9';

    private static int HexValue(int c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static int Saturate(long value) => (int)Math.Max(int.MinValue, Math.Min(int.MaxValue, value));

    /// <summary>serde_json's <c>f64_from_parts</c> without <c>float_roundtrip</c>: false when the value overflows.</summary>
    private static bool FitsDouble(ulong significand, int exponent)
    {
        double f = significand;
        long e = exponent;
        while (true)
        {
            var magnitude = Math.Abs(e);
            if (magnitude < PowersOfTen.Length)
            {
                if (e >= 0)
                {
                    f *= PowersOfTen[magnitude];
                    return !double.IsInfinity(f);
                }

                return true;
            }

            if (f == 0)
            {
                return true;
            }

            if (e >= 0)
            {
                return false;
            }

            f /= 1e308;
            e += 308;
        }
    }

    private int Peek()
    {
        if (_pos == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_pos];
    }

    private int Next()
    {
        if (_pos == _end && !Fill())
        {
            return -1;
        }

        return _buffer[_pos++];
    }

    private bool Fill()
    {
        if (_loaded >= _declaredLength || _buffer.Length == 0)
        {
            return false;
        }

        var want = (int)Math.Min(_buffer.Length, _declaredLength - _loaded);
        var read = _stream.Read(_buffer, 0, want);
        if (read <= 0)
        {
            _truncatedAt = _loaded;
            _declaredLength = _loaded;
            _utf8.Complete();
            return false;
        }

        _bufferStart = _loaded;
        _pos = 0;
        _end = read;
        _utf8.Process(new ReadOnlySpan<byte>(_buffer, 0, read), _baseOffset + _loaded);
        _loaded += read;
        if (_loaded >= _declaredLength)
        {
            _utf8.Complete();
        }

        return true;
    }

    private void Drain()
    {
        _pos = _end;
        while (Fill())
        {
            _pos = _end;
        }
    }

    private JsonReaderException Fail(long offset, string reason)
    {
        try
        {
            CheckInputToEnd();
        }
        catch (JsonReaderException precedence)
        {
            return precedence;
        }

        return new JsonReaderException(JsonErrorKind.Syntax, offset, reason);
    }

    private long SkipWhitespace(out long? firstNonSpace)
    {
        firstNonSpace = null;
        long count = 0;
        while (true)
        {
            if (_pos == _end && !Fill())
            {
                return count;
            }

            var b = _buffer[_pos];
            if (b == ' ')
            {
                // Fast path for long space padding.
                var start = _pos;
                while (_pos < _end && _buffer[_pos] == ' ')
                {
                    _pos++;
                }

                count += _pos - start;
                continue;
            }

            if (b is (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                firstNonSpace ??= Here;
                _pos++;
                count++;
                continue;
            }

            return count;
        }
    }

    private void ReadValue(int c)
    {
        TokenOffset = Here;
        switch (c)
        {
            case '{':
            case '[':
                if (_depth + 1 >= _options.MaxDepth)
                {
                    throw Fail(Here, $"recursion limit exceeded: more than {_options.MaxDepth - 1} nested arrays and objects");
                }

                _pos++;
                _isObject[_depth] = c == '{';
                _depth++;
                TokenKind = c == '{' ? JsonTokenKind.StartObject : JsonTokenKind.StartArray;
                _state = c == '{' ? State.ObjectFirst : State.ArrayFirst;
                return;

            case '"':
                _pos++;
                TokenKind = JsonTokenKind.String;
                _stringPending = true;
                break;

            case 't':
                ReadLiteral("true");
                TokenKind = JsonTokenKind.True;
                break;

            case 'f':
                ReadLiteral("false");
                TokenKind = JsonTokenKind.False;
                break;

            case 'n':
                ReadLiteral("null");
                TokenKind = JsonTokenKind.Null;
                break;

            case '-':
            case >= '0' and <= '9':
                _number = ReadNumber();
                TokenKind = JsonTokenKind.Number;
                break;

            case < 0:
                throw Fail(Here, "the input ends where a value is expected");

            default:
                throw Fail(Here, $"expected a value, found {Show(c)}");
        }

        AfterValue();
    }

    private void AfterValue()
        => _state = _depth == 0 ? State.Done : _isObject[_depth - 1] ? State.ObjectNext : State.ArrayNext;

    private void EndContainer(JsonTokenKind kind)
    {
        TokenOffset = Here;
        _pos++;
        _depth--;
        TokenKind = kind;
        AfterValue();
    }

    private void ReadLiteral(string literal)
    {
        var start = Here;
        foreach (var expected in literal)
        {
            var c = Next();
            if (c != expected)
            {
                throw Fail(c < 0 ? Here : Here - 1, c < 0 ? $"the input ends inside the literal '{literal}'" : $"expected the literal '{literal}' at offset {start}");
            }
        }
    }

    private JsonNumber ReadNumber()
    {
        var start = Here;
        var preview = _numberText.Clear();
        var negative = false;
        if (Peek() == '-')
        {
            negative = true;
            preview.Append('-');
            _pos++;
        }

        var c = Next();
        if (!IsDigit(c))
        {
            throw Fail(c < 0 ? Here : Here - 1, c < 0 ? "the input ends inside a number" : "invalid number: a digit must follow '-'");
        }

        Keep(preview, c);
        ulong significand = (ulong)(c - '0');
        var integerOverflow = false;
        long exponent = 0;
        if (c == '0')
        {
            if (IsDigit(Peek()))
            {
                throw Fail(Here, "invalid number: leading zeros are not allowed");
            }
        }
        else
        {
            while (IsDigit(c = Peek()))
            {
                _pos++;
                Keep(preview, c);
                var digit = c - '0';
                if (integerOverflow || Overflows(significand, digit))
                {
                    // serde_json switches to a float and counts the remaining digits as a power of ten.
                    integerOverflow = true;
                    exponent++;
                }
                else
                {
                    significand = (significand * 10) + (ulong)digit;
                }
            }
        }

        var hasFraction = false;
        if (Peek() == '.')
        {
            hasFraction = true;
            _pos++;
            Keep(preview, '.');
            c = Peek();
            if (!IsDigit(c))
            {
                throw Fail(Here, c < 0 ? "the input ends inside a number" : "invalid number: a digit must follow '.'");
            }

            var frozen = false;
            while (IsDigit(c = Peek()))
            {
                _pos++;
                Keep(preview, c);
                var digit = c - '0';
                if (frozen || Overflows(significand, digit))
                {
                    frozen = true;
                }
                else
                {
                    significand = (significand * 10) + (ulong)digit;
                    exponent--;
                }
            }
        }

        var hasExponent = false;
        var finalExponent = Saturate(exponent);
        var overflowed = false;
        c = Peek();
        if (c is 'e' or 'E')
        {
            hasExponent = true;
            _pos++;
            Keep(preview, c);
            var positive = true;
            c = Peek();
            if (c is '+' or '-')
            {
                positive = c == '+';
                _pos++;
                Keep(preview, c);
            }

            c = Peek();
            if (!IsDigit(c))
            {
                throw Fail(Here, c < 0 ? "the input ends inside a number" : "invalid number: the exponent has no digits");
            }

            var value = 0;
            var exponentOverflow = false;
            while (IsDigit(c = Peek()))
            {
                _pos++;
                Keep(preview, c);
                var digit = c - '0';
                if (exponentOverflow)
                {
                    continue;
                }

                if (value >= int.MaxValue / 10 && (value > int.MaxValue / 10 || digit > int.MaxValue % 10))
                {
                    exponentOverflow = true;
                    overflowed = significand != 0 && positive;
                    continue;
                }

                value = (value * 10) + digit;
            }

            if (!exponentOverflow)
            {
                finalExponent = Saturate(positive ? finalExponent + (long)value : finalExponent - (long)value);
            }
            else
            {
                // serde_json reads the value as zero (or fails, handled through `overflowed`).
                significand = 0;
            }
        }

        if (_options.RejectNumbersOutOfDoubleRange && (integerOverflow || hasFraction || hasExponent)
            && (overflowed || !FitsDouble(significand, finalExponent)))
        {
            throw Fail(start, $"number out of range: {preview} overflows a 64-bit float");
        }

        var plain = !hasFraction && !hasExponent && !integerOverflow;
        return new JsonNumber(plain ? null : preview.ToString(), negative, hasFraction, hasExponent, integerOverflow, integerOverflow ? 0 : significand);
    }

    private static void Keep(StringBuilder preview, int c)
    {
        if (preview.Length < MaxNumberPreview)
        {
            preview.Append((char)c);
        }
        else if (preview.Length == MaxNumberPreview)
        {
            preview.Append('…');
        }
    }

    private void ReadStringBody(StringBuilder? builder, int maxLength)
    {
        _stringPending = false;
        var start = TokenOffset;
        long chars = 0;
        long utf8 = 0;
        var truncated = false;
        while (true)
        {
            if (_pos == _end && !Fill())
            {
                throw Fail(Here, $"the input ends inside the string starting at offset {start}");
            }

            // Fast path: a run of printable ASCII without quote or backslash, copied in one go.
            var run = _pos;
            while (run < _end)
            {
                var c = _buffer[run];
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
                {
                    break;
                }

                run++;
            }

            if (run > _pos)
            {
                var count = run - _pos;
                if (builder is not null && !truncated)
                {
                    var keep = (int)Math.Min(count, Math.Max(0, maxLength - builder.Length));
                    if (keep > 0)
                    {
                        if (_chars.Length < keep)
                        {
                            _chars = new char[Math.Max(keep, _chars.Length * 2)];
                        }

                        for (var i = 0; i < keep; i++)
                        {
                            _chars[i] = (char)_buffer[_pos + i];
                        }

                        builder.Append(_chars, 0, keep);
                    }

                    truncated = keep < count;
                }

                chars += count;
                utf8 += count;
                _pos = run;
                continue;
            }

            var b = _buffer[_pos];
            if (b == '"')
            {
                _pos++;
                break;
            }

            int codePoint;
            if (b == '\\')
            {
                _pos++;
                codePoint = ReadEscape();
            }
            else if (b < 0x20)
            {
                throw Fail(Here, $"control character 0x{b:X2} inside a string (it must be escaped)");
            }
            else if (b < 0x80)
            {
                _pos++;
                codePoint = b;
            }
            else
            {
                codePoint = ReadMultiByte();
            }

            var units = codePoint >= 0x10000 ? 2 : 1;
            chars += units;
            utf8 += codePoint switch
            {
                < 0x80 => 1,
                < 0x800 => 2,
                < 0x10000 => 3,
                _ => 4,
            };

            if (builder is not null)
            {
                if (!truncated && builder.Length + units <= maxLength)
                {
                    if (units == 2)
                    {
                        var v = codePoint - 0x10000;
                        builder.Append((char)(0xD800 + (v >> 10))).Append((char)(0xDC00 + (v & 0x3FF)));
                    }
                    else
                    {
                        builder.Append((char)codePoint);
                    }
                }
                else
                {
                    truncated = true;
                }
            }
        }

        StringLength = chars;
        StringUtf8Length = utf8;
        StringTruncated = truncated;
    }

    private int ReadEscape()
    {
        var at = Here - 1;
        var c = Next();
        switch (c)
        {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                var unit = ReadHex4(at);
                if (unit is >= 0xDC00 and <= 0xDFFF)
                {
                    throw Fail(at, $"unpaired low surrogate \\u{unit:X4}");
                }

                if (unit is < 0xD800 or > 0xDBFF)
                {
                    return unit;
                }

                var lowAt = Here;
                if (Next() != '\\' || Next() != 'u')
                {
                    throw Fail(lowAt, $"high surrogate \\u{unit:X4} is not followed by a \\u escape of a low surrogate");
                }

                var low = ReadHex4(lowAt);
                if (low is < 0xDC00 or > 0xDFFF)
                {
                    throw Fail(lowAt, $"high surrogate \\u{unit:X4} is followed by \\u{low:X4}, which is not a low surrogate");
                }

                return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
            case < 0:
                throw Fail(Here, "the input ends inside an escape sequence");
            default:
                throw Fail(at, $"invalid escape sequence '\\{(c is >= 0x20 and < 0x7F ? ((char)c).ToString() : $"<0x{c:X2}>")}'");
        }
    }

    private int ReadHex4(long escapeOffset)
    {
        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var c = Next();
            var digit = HexValue(c);
            if (digit < 0)
            {
                throw Fail(escapeOffset, c < 0 ? "the input ends inside a \\u escape" : "a \\u escape needs four hexadecimal digits");
            }

            value = (value << 4) | digit;
        }

        return value;
    }

    /// <summary>
    /// Decodes one multi-byte UTF-8 character. Malformed bytes become U+FFFD here; the validator has already recorded
    /// them, and that error outranks anything the parse reports.
    /// </summary>
    private int ReadMultiByte()
    {
        var lead = _buffer[_pos++];
        int needed;
        int codePoint;
        if (lead is >= 0xC2 and <= 0xDF)
        {
            needed = 1;
            codePoint = lead & 0x1F;
        }
        else if (lead is >= 0xE0 and <= 0xEF)
        {
            needed = 2;
            codePoint = lead & 0x0F;
        }
        else if (lead is >= 0xF0 and <= 0xF4)
        {
            needed = 3;
            codePoint = lead & 0x07;
        }
        else
        {
            return 0xFFFD;
        }

        for (var i = 0; i < needed; i++)
        {
            var c = Peek();
            if (c is < 0x80 or > 0xBF)
            {
                return 0xFFFD;
            }

            _pos++;
            codePoint = (codePoint << 6) | (c & 0x3F);
        }

        return codePoint is (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF ? 0xFFFD : codePoint;
    }
}
