using System;
using System.IO;

namespace ModelGuard.Engine.Formats.Compression;

/// <summary>
/// Entry point for the decompressors joblib and pickle files are wrapped in. Every stream returned is read-only and
/// forward-only, reports malformed or truncated input as <see cref="CompressedFormatException"/> (valid but unsupported
/// features as <see cref="NotSupportedException"/>), and fails rather than produce more than the output limit.
/// Data is handed out as it is decoded, before the checksums at the end of a block or stream are verified: only a read
/// that returns 0 means every check passed.
/// </summary>
internal static class Decompressors
{
    /// <summary>Leading bytes <see cref="TrySniff"/> needs to consider every kind (the .lzma header).</summary>
    public const int SniffLength = LzmaAloneDecoderStream.HeaderLength;

    /// <summary>
    /// Recognises a compressed stream from its first bytes (up to <see cref="SniffLength"/>), in this order: xz (magic
    /// FD 37 7A 58 5A 00), bzip2 ("BZh", a level digit, then a block or end-of-stream magic), zlib (method 8, window at
    /// most 32 KiB, header checksum, no preset dictionary), .lzma (properties byte, tidy dictionary size, plausible
    /// size). The zlib test accepts 32 of the 65 536 possible two-byte pairs and the .lzma test has no magic at all,
    /// so callers should only act on those where such a file is plausible (a joblib dump, a .pkl.z / .lzma name).
    /// </summary>
    public static bool TrySniff(ReadOnlySpan<byte> head, out CompressionKind kind)
    {
        if (XzDecoderStream.HasMagic(head))
        {
            kind = CompressionKind.Xz;
            return true;
        }

        if (Bzip2DecoderStream.IsStreamStart(head))
        {
            kind = CompressionKind.Bzip2;
            return true;
        }

        // Weak: only two bytes with a 5-bit check.
        if (head.Length >= 2 && ZlibDecoderStream.IsValidHeader(head[0], head[1]))
        {
            kind = CompressionKind.Zlib;
            return true;
        }

        // Weak: the .lzma format has no magic number; this is a plausibility test of its header fields.
        if (LzmaAloneDecoderStream.IsPlausibleHeader(head))
        {
            kind = CompressionKind.LzmaAlone;
            return true;
        }

        kind = default;
        return false;
    }

    /// <summary>
    /// Opens a decoder of <paramref name="kind"/> over <paramref name="compressed"/>, which it disposes unless
    /// <paramref name="leaveOpen"/>. Nothing is read until the first read of the returned stream.
    /// </summary>
    public static Stream Open(CompressionKind kind, Stream compressed, long maxOutputBytes, bool leaveOpen = false) => kind switch
    {
        CompressionKind.Zlib => new ZlibDecoderStream(compressed, maxOutputBytes, leaveOpen),
        CompressionKind.Bzip2 => new Bzip2DecoderStream(compressed, maxOutputBytes, leaveOpen),
        CompressionKind.Xz => new XzDecoderStream(compressed, maxOutputBytes, leaveOpen),
        CompressionKind.LzmaAlone => new LzmaAloneDecoderStream(compressed, maxOutputBytes, leaveOpen),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown compression kind."),
    };
}
