namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// One decoded opcode. Payload bytes are never kept: strings keep their text only when short enough to be a
/// module or attribute name, bytes keep only their length.
/// </summary>
internal readonly struct PickleInstruction
{
    public PickleInstruction(PickleOpcode opcode, long offset, long integer = 0, string? text = null, string? text2 = null, long payloadLength = 0, bool integerOverflow = false)
    {
        Opcode = opcode;
        Offset = offset;
        Integer = integer;
        Text = text;
        Text2 = text2;
        PayloadLength = payloadLength;
        IntegerOverflow = integerOverflow;
    }

    public PickleOpcode Opcode { get; }

    /// <summary>Offset of the opcode byte in the stream.</summary>
    public long Offset { get; }

    /// <summary>Integer argument: int values, memo indices, extension codes, protocol, frame length.</summary>
    public long Integer { get; }

    /// <summary>True when an integer value does not fit in 64 bits (Integer is then meaningless).</summary>
    public bool IntegerOverflow { get; }

    /// <summary>Decoded text: string values (null when longer than the text limit), the module of GLOBAL/INST.</summary>
    public string? Text { get; }

    /// <summary>The name of GLOBAL/INST.</summary>
    public string? Text2 { get; }

    /// <summary>Length of a string or bytes payload in bytes.</summary>
    public long PayloadLength { get; }

    public override string ToString() => $"{Offset}: {Opcode} {Integer} {Text} {Text2}".TrimEnd();
}
