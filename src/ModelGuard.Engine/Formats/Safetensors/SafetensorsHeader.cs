using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>A safetensors header that is valid JSON and matches the schema; the offsets are not validated yet.</summary>
internal sealed class SafetensorsHeader
{
    public SafetensorsHeader(ulong headerLength, long fileLength, IReadOnlyList<SafetensorsTensorInfo> entries)
    {
        HeaderLength = headerLength;
        FileLength = fileLength;
        Entries = entries;
    }

    /// <summary>N, the JSON header's declared size.</summary>
    public ulong HeaderLength { get; }

    /// <summary>Size of the whole content (length field, header and data buffer).</summary>
    public long FileLength { get; }

    /// <summary>Where the data buffer starts: 8 + N.</summary>
    public long DataStart => SafetensorsHeaderReader.LengthFieldSize + (long)HeaderLength;

    /// <summary>Bytes after the header: the data buffer as the file holds it.</summary>
    public long AvailableData => FileLength - DataStart;

    /// <summary>Every tensor entry in document order, duplicates included.</summary>
    public IReadOnlyList<SafetensorsTensorInfo> Entries { get; }

    /// <summary>The header has a <c>__metadata__</c> key (its value may be null).</summary>
    public bool HasMetadataKey { get; init; }

    /// <summary>Offset of the <c>__metadata__</c> key.</summary>
    public long MetadataOffset { get; init; }

    /// <summary>The metadata map in document order with duplicates, or null when absent or <c>null</c>.</summary>
    public IReadOnlyList<SafetensorsMetadataEntry>? Metadata { get; init; }

    /// <summary>Whitespace bytes before the JSON object.</summary>
    public long LeadingWhitespace { get; init; }

    /// <summary>Offset of the first tab, LF or CR after the JSON object, if any.</summary>
    public long? FirstNonSpacePadding { get; init; }

    /// <summary>
    /// The entries the reference keeps: for a repeated name only the last one (its map insert replaces the value),
    /// in document order.
    /// </summary>
    public IReadOnlyList<SafetensorsTensorInfo> EffectiveTensors()
    {
        var last = new Dictionary<string, int>(System.StringComparer.Ordinal);
        foreach (var entry in Entries)
        {
            last[entry.Name] = entry.EntryIndex;
        }

        var effective = new List<SafetensorsTensorInfo>(last.Count);
        foreach (var entry in Entries)
        {
            if (last[entry.Name] == entry.EntryIndex)
            {
                effective.Add(entry);
            }
        }

        return effective;
    }
}
