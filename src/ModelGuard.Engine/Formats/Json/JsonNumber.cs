namespace ModelGuard.Engine.Formats.Json;

/// <summary>
/// A number token as written: whether it is an integer literal (no fraction, no exponent), its sign, and its value
/// when it is a non-negative integer that fits 64 bits. <c>16.0</c> and <c>1e1</c> are not integers, whatever their value.
/// </summary>
internal readonly struct JsonNumber
{
    private readonly ulong _magnitude;
    private readonly string? _text;

    /// <param name="text">The literal; null for an integer that fits 64 bits, whose text is rebuilt from its value when asked.</param>
    public JsonNumber(string? text, bool isNegative, bool hasFraction, bool hasExponent, bool integerOverflow, ulong magnitude)
    {
        _text = text;
        IsNegative = isNegative;
        HasFraction = hasFraction;
        HasExponent = hasExponent;
        IntegerOverflow = integerOverflow;
        _magnitude = magnitude;
    }

    /// <summary>The literal (shortened with an ellipsis past 40 characters), for messages.</summary>
    public string Text => _text ?? (IsNegative ? "-" : string.Empty) + _magnitude.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The literal starts with <c>-</c> (including <c>-0</c>).</summary>
    public bool IsNegative { get; }

    /// <summary>The literal has a <c>.</c> fraction.</summary>
    public bool HasFraction { get; }

    /// <summary>The literal has an <c>e</c>/<c>E</c> exponent.</summary>
    public bool HasExponent { get; }

    /// <summary>The literal is an integer (no fraction, no exponent).</summary>
    public bool IsInteger => !HasFraction && !HasExponent;

    /// <summary>The integer digits exceed 2^64 - 1.</summary>
    public bool IntegerOverflow { get; }

    /// <summary>
    /// The value as an unsigned 64-bit integer: only for integer literals without a minus sign (serde_json reads
    /// <c>-0</c> as a float) and at most 2^64 - 1.
    /// </summary>
    public bool TryGetUInt64(out ulong value)
    {
        value = _magnitude;
        return IsInteger && !IsNegative && !IntegerOverflow;
    }

    /// <summary>How serde_json classifies the literal: an unsigned or signed integer, or a float.</summary>
    public string Describe()
    {
        if (TryGetUInt64(out _))
        {
            return $"integer {Text}";
        }

        if (IsInteger && IsNegative && !IntegerOverflow && _magnitude != 0 && _magnitude <= 9223372036854775808UL)
        {
            return $"negative integer {Text}";
        }

        return $"floating-point number {Text}";
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
