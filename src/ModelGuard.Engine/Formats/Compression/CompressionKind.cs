namespace ModelGuard.Engine.Formats.Compression;

/// <summary>Compressed container formats the engine can look inside (gzip is handled elsewhere with GZipStream).</summary>
internal enum CompressionKind
{
    /// <summary>RFC 1950 zlib: a two-byte header, deflate data, an Adler-32 trailer (joblib's "zlib").</summary>
    Zlib,

    /// <summary>bzip2, one or more concatenated streams as Python's bz2 module writes and reads them.</summary>
    Bzip2,

    /// <summary>The .xz container (format 1.x) with LZMA2 blocks; concatenated streams and stream padding allowed.</summary>
    Xz,

    /// <summary>The legacy .lzma "alone" format: a 13-byte header and raw LZMA data (Python's FORMAT_ALONE, joblib's "lzma").</summary>
    LzmaAlone,
}
