namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>A call of an allowed helper (or a BUILD) whose arguments steer it into code: reported as MG1001 at <see cref="Offset"/>.</summary>
internal sealed class SteeredCall
{
    public SteeredCall(long offset, string message)
    {
        Offset = offset;
        Message = message;
    }

    public long Offset { get; }

    /// <summary>What the call would do, as a sentence.</summary>
    public string Message { get; }
}

/// <summary>A nested load (<c>torch.storage._load_from_bytes(b)</c>) whose bytes are in the file: scanned as content of its own.</summary>
internal sealed class NestedLoad
{
    public NestedLoad(string loader, long callOffset, long dataOffset, byte[] data)
    {
        Loader = loader;
        CallOffset = callOffset;
        DataOffset = dataOffset;
        Data = data;
    }

    /// <summary>The loader, as module.name.</summary>
    public string Loader { get; }

    public long CallOffset { get; }

    /// <summary>Where the bytes are in the stream (the opcode that pushed them).</summary>
    public long DataOffset { get; }

    public byte[] Data { get; }
}
