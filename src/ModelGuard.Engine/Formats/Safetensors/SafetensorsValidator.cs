using ModelGuard.Engine.Findings;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>
/// Validates a safetensors file from its length field and header only: the reference reader's checks in its order
/// (the first failure is reported, as the reference stops there), then ModelGuard's stricter checks, each its own rule.
/// The data buffer is never read; its size comes from the content length.
/// </summary>
internal static class SafetensorsValidator
{
    /// <summary>A <c>__metadata__</c> value larger than this (UTF-8 bytes) is reported.</summary>
    public const int MaxMetadataValueBytes = 64 * 1024;

    /// <summary>A <c>__metadata__</c> map whose keys and values together exceed this (UTF-8 bytes) is reported.</summary>
    public const int MaxMetadataTotalBytes = 1024 * 1024;

    /// <summary>Findings per stricter rule and file before the rest are summarised in one.</summary>
    public const int MaxFindingsPerRule = 10;

    /// <summary>The <c>__metadata__.format</c> values transformers loads.</summary>
    public static readonly IReadOnlyList<string> TransformersFormats = new[] { "pt", "tf", "flax", "mlx" };

    /// <summary>Reads the header of <paramref name="content"/> (from its current position) and validates it.</summary>
    /// <param name="content">The content; only the length field and the header are read when <paramref name="length"/> is known.</param>
    /// <param name="length">The content length, or null for a forward-only stream (then the data is counted, not kept).</param>
    public static SafetensorsValidation Validate(Stream content, long? length)
    {
        var read = SafetensorsHeaderReader.Read(content, length);
        if (read.Header is null)
        {
            return new SafetensorsValidation(read.IsJsonHeader, new[] { read.Failure! }, null);
        }

        return new SafetensorsValidation(true, Validate(read.Header), read.Header);
    }

    /// <summary>Runs the reference's remaining checks (7 and 8) and the stricter checks on a parsed header.</summary>
    public static IReadOnlyList<FormatIssue> Validate(SafetensorsHeader header)
    {
        var issues = new List<FormatIssue>();
        var effective = header.EffectiveTensors();
        var layoutValid = CheckLayout(header, effective, issues);
        var stricter = new CappedIssues(issues);
        CheckDuplicateNames(header, stricter);
        CheckNames(header, stricter);
        CheckMetadata(header, stricter);
        CheckPadding(header, stricter);
        if (layoutValid)
        {
            CheckAlignment(header, effective, stricter);
        }

        CheckFormat(header, stricter);
        CheckCanonicalForm(header, stricter);
        stricter.Flush();
        return issues;
    }

    /// <summary>Bytes the tensor's data takes, or null when the size overflows 64 bits.</summary>
    public static ulong? ByteSize(SafetensorsTensorInfo tensor)
    {
        var elements = ElementCount(tensor.Shape);
        if (elements is null)
        {
            return null;
        }

        var bits = Multiply(elements.Value, (ulong)tensor.Dtype.BitSize());
        return bits is null ? null : bits.Value / 8;
    }

    /// <summary>The reference's <c>validate</c>: contiguous offsets from 0, sizes from dtype and shape, then full coverage.</summary>
    private static bool CheckLayout(SafetensorsHeader header, IReadOnlyList<SafetensorsTensorInfo> effective, List<FormatIssue> issues)
    {
        var sorted = new List<SafetensorsTensorInfo>(effective);
        sorted.Sort(static (a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End != b.End ? a.End.CompareTo(b.End) : a.EntryIndex.CompareTo(b.EntryIndex));
        ulong start = 0;
        SafetensorsTensorInfo? previous = null;
        foreach (var tensor in sorted)
        {
            if (tensor.Begin != start || tensor.End < tensor.Begin)
            {
                var name = SafetensorsText.Quote(tensor.Name);
                var offsets = $"data_offsets [{tensor.Begin}, {tensor.End}]";
                string message;
                if (tensor.Begin == start)
                {
                    message = $"tensor {name} has {offsets}: its end is before its start";
                }
                else if (previous is null)
                {
                    message = $"tensor {name} has {offsets} but the first tensor must start at byte 0 of the data buffer: bytes 0 to {tensor.Begin} belong to no tensor";
                }
                else if (tensor.Begin > start)
                {
                    message = $"tensor {name} has {offsets} but the previous tensor {SafetensorsText.Quote(previous.Name)} ends at byte {start}: bytes {start} to {tensor.Begin} belong to no tensor";
                }
                else
                {
                    message = $"tensor {name} has {offsets} but the previous tensor {SafetensorsText.Quote(previous.Name)} ends at byte {start}: the two overlap";
                }

                issues.Add(new FormatIssue(RuleCatalog.SafetensorsInvalidOffsets, tensor.NameOffset, message));
                return false;
            }

            start = tensor.End;
            previous = tensor;
            var elements = ElementCount(tensor.Shape);
            if (elements is null)
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsSizeOverflow,
                    tensor.NameOffset,
                    $"tensor {SafetensorsText.Quote(tensor.Name)} has shape {SafetensorsText.Shape(tensor.Shape)}, whose element count overflows 64 bits"));
                return false;
            }

            var bitSize = tensor.Dtype.BitSize();
            var bits = Multiply(elements.Value, (ulong)bitSize);
            if (bits is null)
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsSizeOverflow,
                    tensor.NameOffset,
                    $"tensor {SafetensorsText.Quote(tensor.Name)} is {tensor.Describe()}: {elements} elements of {bitSize} bits overflow a 64-bit bit count"));
                return false;
            }

            if (bits.Value % 8 != 0)
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsMisalignedSlice,
                    tensor.NameOffset,
                    $"tensor {SafetensorsText.Quote(tensor.Name)} is {tensor.Describe()}: {elements} elements of {bitSize} bits are {bits} bits, not a whole number of bytes"));
                return false;
            }

            var size = bits.Value / 8;
            if (tensor.End - tensor.Begin != size)
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsTensorSizeMismatch,
                    tensor.NameOffset,
                    $"tensor {SafetensorsText.Quote(tensor.Name)} has data_offsets [{tensor.Begin}, {tensor.End}] ({tensor.End - tensor.Begin} bytes) but {tensor.Describe()} needs {size} bytes"));
                return false;
            }
        }

        var available = (ulong)header.AvailableData;
        if (start != available)
        {
            string message;
            if (start < available)
            {
                message = $"the tensors end at byte {start} of the data buffer but {available} bytes follow the header: the last {available - start} bytes belong to no tensor";
            }
            else
            {
                message = $"the tensors need {start} bytes of data but only {available} bytes follow the header: the content is {start - available} bytes short";
            }

            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIncompleteBuffer, header.DataStart + (long)Math.Min(start, available), message));
            return false;
        }

        return true;
    }

    private static void CheckDuplicateNames(SafetensorsHeader header, CappedIssues issues)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            counts[entry.Name] = counts.TryGetValue(entry.Name, out var count) ? count + 1 : 1;
        }

        if (counts.Count == header.Entries.Count)
        {
            return;
        }

        // Only repeated names get a list of their entries.
        var repeated = new Dictionary<string, List<SafetensorsTensorInfo>>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            if (counts[entry.Name] < 2)
            {
                continue;
            }

            if (!repeated.TryGetValue(entry.Name, out var list))
            {
                repeated.Add(entry.Name, list = new List<SafetensorsTensorInfo>());
            }

            list.Add(entry);
        }

        foreach (var entry in header.Entries)
        {
            if (!repeated.TryGetValue(entry.Name, out var list) || list[0] != entry)
            {
                continue;
            }

            var offsets = string.Join(", ", list.Take(5).Select(e => e.NameOffset));
            issues.Add(
                RuleCatalog.SafetensorsDuplicateTensorName,
                list[1].NameOffset,
                $"tensor name {SafetensorsText.Quote(entry.Name)} appears {list.Count} times in the header (at offsets {offsets}{(list.Count > 5 ? ", ..." : string.Empty)}); "
                + "the reference reader keeps the last entry while other readers keep the first or fail, so they load different tensors from the same file");
        }
    }

    private static void CheckNames(SafetensorsHeader header, CappedIssues issues)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in header.Entries)
        {
            if (!seen.Add(entry.Name))
            {
                continue;
            }

            var reason = UnsafeNameReason(entry.Name);
            if (reason is not null)
            {
                issues.Add(
                    RuleCatalog.SafetensorsUnsafeTensorName,
                    entry.NameOffset,
                    $"tensor name {SafetensorsText.Quote(entry.Name)} {reason}; loaders that turn tensor names into file or module paths can be steered by such names");
            }
        }
    }

    /// <summary>Why a tensor name is unsafe, or null.</summary>
    public static string? UnsafeNameReason(string name)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }

        foreach (var c in name)
        {
            if (char.IsControl(c))
            {
                return $"contains the control character U+{(int)c:X4}";
            }
        }

        if (name.IndexOf("..", StringComparison.Ordinal) >= 0)
        {
            return "contains '..'";
        }

        if (name.IndexOf('/') >= 0)
        {
            return "contains '/'";
        }

        if (name.IndexOf('\\') >= 0)
        {
            return "contains '\\'";
        }

        return null;
    }

    private static void CheckMetadata(SafetensorsHeader header, CappedIssues issues)
    {
        if (header.Metadata is not { } metadata)
        {
            return;
        }

        long total = 0;
        var counts = new Dictionary<(string, long), int>();
        foreach (var entry in metadata)
        {
            total += entry.KeyUtf8Length + entry.ValueUtf8Length;
            var key = (entry.Key, entry.KeyUtf8Length);
            counts[key] = counts.TryGetValue(key, out var c) ? c + 1 : 1;
            if (entry.ValueUtf8Length > MaxMetadataValueBytes)
            {
                issues.Add(
                    RuleCatalog.SafetensorsOversizedMetadata,
                    entry.Offset,
                    $"\"__metadata__\" value for key {SafetensorsText.Quote(entry.Key)} is {entry.ValueUtf8Length} bytes, more than the {MaxMetadataValueBytes} bytes ModelGuard accepts for one value");
            }
        }

        if (total > MaxMetadataTotalBytes)
        {
            issues.Add(
                RuleCatalog.SafetensorsOversizedMetadata,
                header.MetadataOffset,
                $"\"__metadata__\" holds {total} bytes of keys and values in {SafetensorsText.Count(metadata.Count, "entry")}, more than the {MaxMetadataTotalBytes} bytes ModelGuard accepts");
        }

        foreach (var entry in metadata)
        {
            var key = (entry.Key, entry.KeyUtf8Length);
            if (counts.TryGetValue(key, out var count) && count > 1)
            {
                counts.Remove(key);
                issues.Add(
                    RuleCatalog.SafetensorsOversizedMetadata,
                    entry.Offset,
                    $"\"__metadata__\" key {SafetensorsText.Quote(entry.Key)} appears {count} times; the reference reader keeps the last value, other readers may keep the first");
            }
        }
    }

    private static void CheckPadding(SafetensorsHeader header, CappedIssues issues)
    {
        if (header.LeadingWhitespace > 0)
        {
            issues.Add(
                RuleCatalog.SafetensorsHeaderPadding,
                SafetensorsHeaderReader.LengthFieldSize,
                $"the header starts with {header.LeadingWhitespace} whitespace bytes before its JSON object; the reference writer never writes them and readers before April 2026 refuse a header that does not start with '{{'");
        }

        if (header.FirstNonSpacePadding is { } at)
        {
            issues.Add(
                RuleCatalog.SafetensorsHeaderPadding,
                at,
                $"the header padding after the JSON object contains a tab, CR or LF (first at offset {at}); the reference writer pads with spaces only");
        }
    }

    private static void CheckAlignment(SafetensorsHeader header, IReadOnlyList<SafetensorsTensorInfo> effective, CappedIssues issues)
    {
        SafetensorsTensorInfo? first = null;
        var count = 0;
        foreach (var tensor in effective)
        {
            var elementBytes = tensor.Dtype.BitSize() / 8;
            if (elementBytes <= 1 || tensor.End == tensor.Begin)
            {
                continue;
            }

            var fileOffset = (ulong)header.DataStart + tensor.Begin;
            if (fileOffset % (ulong)elementBytes != 0)
            {
                first ??= tensor;
                count++;
            }
        }

        if (first is not null)
        {
            var fileOffset = (ulong)header.DataStart + first.Begin;
            issues.Add(
                RuleCatalog.SafetensorsMisalignedTensorData,
                first.NameOffset,
                $"{count} of {SafetensorsText.Count(effective.Count, "tensor")} {(count == 1 ? "starts" : "start")} at a file offset that is not a multiple of {(count == 1 ? "its" : "their")} element size; the first is {SafetensorsText.Quote(first.Name)} "
                + $"({first.Describe()}, {first.Dtype.BitSize() / 8}-byte elements) at data offset {first.Begin}, file offset {fileOffset}; zero-copy loaders must copy or may fault on such tensors");
        }
    }

    private static void CheckFormat(SafetensorsHeader header, CappedIssues issues)
    {
        if (header.Metadata is not { } metadata)
        {
            return;
        }

        var format = metadata.LastOrDefault(e => e.Key == "format" && e.KeyUtf8Length == 6);
        if (format is null)
        {
            issues.Add(
                RuleCatalog.SafetensorsUnknownMetadataFormat,
                header.MetadataOffset,
                "\"__metadata__\" has no \"format\" entry; transformers refuses a safetensors file with metadata unless format is pt, tf, flax or mlx");
        }
        else if (format.ValueTruncated || !TransformersFormats.Contains(format.Value, StringComparer.Ordinal))
        {
            issues.Add(
                RuleCatalog.SafetensorsUnknownMetadataFormat,
                format.Offset,
                $"\"__metadata__\" format is {SafetensorsText.Quote(format.Value)}; transformers only loads pt, tf, flax or mlx");
        }
    }

    private static void CheckCanonicalForm(SafetensorsHeader header, CappedIssues issues)
    {
        foreach (var entry in header.Entries)
        {
            if (entry.WrittenAsArray)
            {
                issues.Add(
                    RuleCatalog.SafetensorsNonCanonicalTensorEntry,
                    entry.NameOffset,
                    $"tensor {SafetensorsText.Quote(entry.Name)} is written as an array [dtype, shape, data_offsets]; the reference's serde accepts it, other readers expect an object and fail or skip it");
            }

            if (entry.DtypeWrittenAsObject)
            {
                issues.Add(
                    RuleCatalog.SafetensorsNonCanonicalTensorEntry,
                    entry.NameOffset,
                    $"tensor {SafetensorsText.Quote(entry.Name)} writes its dtype as an object {{\"{entry.Dtype.Name()}\": null}}; the reference's serde accepts it, other readers expect a string");
            }
        }
    }

    private static ulong? ElementCount(IReadOnlyList<ulong> shape)
    {
        ulong count = 1;
        foreach (var dimension in shape)
        {
            var next = Multiply(count, dimension);
            if (next is null)
            {
                return null;
            }

            count = next.Value;
        }

        return count;
    }

    private static ulong? Multiply(ulong a, ulong b)
    {
        if (a != 0 && b > ulong.MaxValue / a)
        {
            return null;
        }

        return a * b;
    }

    /// <summary>Keeps at most <see cref="MaxFindingsPerRule"/> findings per rule, then one that counts the rest.</summary>
    private sealed class CappedIssues
    {
        private readonly List<FormatIssue> _issues;
        private readonly Dictionary<RuleDescriptor, int> _counts = new();

        public CappedIssues(List<FormatIssue> issues) => _issues = issues;

        public void Add(RuleDescriptor rule, long? offset, string message)
        {
            var count = _counts.TryGetValue(rule, out var c) ? c + 1 : 1;
            _counts[rule] = count;
            if (count <= MaxFindingsPerRule)
            {
                _issues.Add(new FormatIssue(rule, offset, message));
            }
        }

        public void Flush()
        {
            foreach (var pair in _counts.OrderBy(p => p.Key.Id, StringComparer.Ordinal))
            {
                if (pair.Value > MaxFindingsPerRule)
                {
                    _issues.Add(new FormatIssue(pair.Key, null, $"{pair.Value - MaxFindingsPerRule} more {pair.Key.Id} problems in this file are not listed one by one"));
                }
            }
        }
    }
}

/// <summary>The outcome of validating one safetensors file.</summary>
internal sealed class SafetensorsValidation
{
    public SafetensorsValidation(bool isJsonHeader, IReadOnlyList<FormatIssue> issues, SafetensorsHeader? header)
    {
        IsJsonHeader = isJsonHeader;
        Issues = issues;
        Header = header;
    }

    /// <summary>The header got past the length, UTF-8 and JSON syntax checks (see <see cref="SafetensorsHeaderReadResult.IsJsonHeader"/>).</summary>
    public bool IsJsonHeader { get; }

    /// <summary>Every problem, reference checks first.</summary>
    public IReadOnlyList<FormatIssue> Issues { get; }

    /// <summary>The parsed header, when it matched the schema.</summary>
    public SafetensorsHeader? Header { get; }
}
