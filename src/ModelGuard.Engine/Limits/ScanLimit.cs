namespace ModelGuard.Engine.Limits;

/// <summary>The limits a scan can reach (see the README's "Limits" table).</summary>
internal enum ScanLimit
{
    /// <summary><see cref="Scanning.ScanOptions.MaxScanTime"/>: the time one file may take.</summary>
    Time,

    /// <summary><see cref="Scanning.ScanOptions.MaxTotalDecompressedBytes"/>: all decompressed bytes of one file together.</summary>
    TotalDecompressedBytes,

    /// <summary><see cref="Scanning.ScanOptions.MaxArchiveEntries"/>: the entries of one zip or tar archive.</summary>
    ArchiveEntries,
}
