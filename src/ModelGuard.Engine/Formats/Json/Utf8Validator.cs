namespace ModelGuard.Engine.Formats.Json;

/// <summary>
/// Strict incremental UTF-8 validation, as Rust's <c>str::from_utf8</c> decides it: no overlong forms, no
/// surrogates (<c>ED A0..BF</c>), nothing above U+10FFFF, no truncated sequence. Bytes may arrive in any chunks.
/// </summary>
internal sealed class Utf8Validator
{
    private int _needed;
    private byte _lower = 0x80;
    private byte _upper = 0xBF;
    private long _sequenceStart;
    private bool _completed;

    /// <summary>Offset of the first byte of the first invalid sequence, or null while everything seen is valid.</summary>
    public long? ErrorOffset { get; private set; }

    /// <summary>Why the sequence at <see cref="ErrorOffset"/> is invalid.</summary>
    public string? ErrorReason { get; private set; }

    /// <summary>Validates <paramref name="bytes"/>, which start at <paramref name="offset"/> of the input.</summary>
    public void Process(System.ReadOnlySpan<byte> bytes, long offset)
    {
        if (ErrorOffset is not null)
        {
            return;
        }

        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (_needed == 0)
            {
                if (b < 0x80)
                {
                    continue;
                }

                _sequenceStart = offset + i;
                _lower = 0x80;
                _upper = 0xBF;
                if (b is >= 0xC2 and <= 0xDF)
                {
                    _needed = 1;
                }
                else if (b == 0xE0)
                {
                    _needed = 2;
                    _lower = 0xA0;
                }
                else if (b is (>= 0xE1 and <= 0xEC) or 0xEE or 0xEF)
                {
                    _needed = 2;
                }
                else if (b == 0xED)
                {
                    _needed = 2;
                    _upper = 0x9F;
                }
                else if (b == 0xF0)
                {
                    _needed = 3;
                    _lower = 0x90;
                }
                else if (b is >= 0xF1 and <= 0xF3)
                {
                    _needed = 3;
                }
                else if (b == 0xF4)
                {
                    _needed = 3;
                    _upper = 0x8F;
                }
                else
                {
                    Fail(offset + i, b < 0xC0
                        ? $"byte 0x{b:X2} at offset {offset + i} is a continuation byte without a lead byte"
                        : $"byte 0x{b:X2} at offset {offset + i} never appears in UTF-8");
                    return;
                }

                continue;
            }

            if (b < _lower || b > _upper)
            {
                Fail(_sequenceStart, $"the sequence starting at offset {_sequenceStart} is not valid UTF-8 (byte 0x{b:X2} at offset {offset + i} cannot continue it: overlong form, surrogate, value above U+10FFFF or missing continuation byte)");
                return;
            }

            _lower = 0x80;
            _upper = 0xBF;
            _needed--;
        }
    }

    /// <summary>Marks the end of the input: a sequence still open is truncated.</summary>
    public void Complete()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        if (ErrorOffset is null && _needed > 0)
        {
            Fail(_sequenceStart, $"the input ends inside the UTF-8 sequence starting at offset {_sequenceStart}");
        }
    }

    private void Fail(long offset, string reason)
    {
        ErrorOffset = offset;
        ErrorReason = reason;
    }
}
