using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Onnx;

/// <summary>
/// Checks every tensor's external_data: its entries, that its location stays inside the model's folder (also through symbolic
/// and hard links), that the file exists, and that the region fits the file, the tensor and no other tensor's region. Files
/// are checked by their length; one is read only to verify a checksum the model records.
/// </summary>
internal sealed class OnnxExternalDataValidator
{
    /// <summary>ONNX Runtime's marker for tensor data at a memory address: a model carrying it reads the process's memory.</summary>
    private const string InMemoryMarker = "*/_ORT_MEM_ADDR_/*";

    private static readonly HashSet<string> KnownKeys = new(StringComparer.Ordinal) { "location", "offset", "length", "checksum" };

    private readonly List<FormatIssue> _issues;
    private readonly string? _directory;
    private readonly string? _modelPath;
    private readonly Dictionary<string, FileFacts> _files = new(StringComparer.Ordinal);
    private readonly List<Region> _regions = new();

    private OnnxExternalDataValidator(List<FormatIssue> issues, string? modelPath)
    {
        _issues = issues;
        _modelPath = modelPath;
        _directory = modelPath is null ? null : Path.GetDirectoryName(modelPath);
    }

    /// <summary>
    /// Validates the external data of <paramref name="model"/>. <paramref name="modelPath"/> is the model's full path on disk, or
    /// null when it is not a file (then only the entries and locations are checked). Returns the full paths of the external
    /// files the model reads that exist, for the build to check they are bundled.
    /// </summary>
    public static IReadOnlyList<string> Validate(OnnxModel model, string? modelPath, List<FormatIssue> issues)
    {
        var validator = new OnnxExternalDataValidator(issues, modelPath);
        foreach (var tensor in OnnxModelWalk.Tensors(model))
        {
            if (tensor.ExternalData.Count > 0 || tensor.DataLocation == 1)
            {
                validator.Check(tensor);
            }
        }

        validator.CheckOverlaps();
        return validator._files.Where(f => f.Value.Exists).Select(f => f.Key).ToList();
    }

    private void Check(OnnxTensor tensor)
    {
        var entries = Entries(tensor);
        if (entries is null)
        {
            return;
        }

        entries.TryGetValue("location", out var location);
        if (location is null)
        {
            return;
        }

        var escape = location.Value == InMemoryMarker
            ? "is ONNX Runtime's in-memory marker, which makes the runtime read tensor data from a memory address the model chooses"
            : FolderRelativePath.UnsafeReasonByKind(location.Value);
        if (escape is not null)
        {
            Report(RuleCatalog.OnnxExternalDataEscapesFolder, location.Offset, $"{tensor.Describe()} reads external data from {Quote(location.Value)}, which {escape}; the runtime would read a file outside the model folder");
            return;
        }

        if (_directory is null)
        {
            return;
        }

        var offset = Number(tensor, entries, "offset") ?? 0;
        var length = Number(tensor, entries, "length");
        var expected = tensor.DataType is { } type ? OnnxStructureValidator.ByteSize(type, OnnxStructureValidator.Elements(tensor.Dims, out _)) : null;
        if (length is { } declared && expected is { } size && declared != size && tensor.DataType != OnnxDataType.String)
        {
            Report(RuleCatalog.OnnxExternalDataOutOfBounds, location.Offset, $"{tensor.Describe()} is {OnnxStructureValidator.Shape(tensor.DataType!.Value, tensor.Dims)} ({size} bytes) but its external_data length is {declared} bytes");
        }

        var facts = Facts(location.Value);
        if (facts.Escape is not null)
        {
            Report(RuleCatalog.OnnxExternalDataEscapesFolder, location.Offset, $"{tensor.Describe()} reads external data from {Quote(location.Value)}, which {facts.Escape}; the runtime would read a file outside the model folder");
            return;
        }

        if (!facts.Exists)
        {
            Report(RuleCatalog.OnnxExternalDataMissing, location.Offset, $"{tensor.Describe()} reads external data from {Quote(location.Value)}, which {facts.Missing}; the app fails to load the model");
            return;
        }

        var span = length ?? expected ?? Math.Max(0, facts.Length - offset);
        if (offset > facts.Length || span > facts.Length - offset)
        {
            Report(RuleCatalog.OnnxExternalDataOutOfBounds, location.Offset, $"{tensor.Describe()} reads {span} bytes at offset {offset} of {Quote(location.Value)}, which is {facts.Length} bytes long");
            return;
        }

        if (span > 0)
        {
            _regions.Add(new Region(facts.Key, location.Value, offset, span, tensor, location.Offset));
        }

        if (entries.TryGetValue("checksum", out var checksum))
        {
            VerifyChecksum(tensor, checksum, facts, offset, span, location.Value);
        }
    }

    /// <summary>The entries by key, after reporting unknown, repeated and missing keys; null when the tensor is not external at all.</summary>
    private Dictionary<string, OnnxEntry>? Entries(OnnxTensor tensor)
    {
        var entries = new Dictionary<string, OnnxEntry>(StringComparer.Ordinal);
        foreach (var group in tensor.ExternalData.GroupBy(e => e.Key, StringComparer.Ordinal))
        {
            var first = group.First();
            if (!KnownKeys.Contains(group.Key))
            {
                Report(RuleCatalog.OnnxExternalDataMalformed, first.Offset, $"{tensor.Describe()} has the external_data key {Quote(group.Key)}, which ONNX does not define (location, offset, length, checksum); ONNX Runtime refuses the model and onnx before 1.21.0 copied such keys onto its own objects");
            }

            if (group.Count() > 1)
            {
                Report(RuleCatalog.OnnxExternalDataMalformed, group.ElementAt(1).Offset, $"{tensor.Describe()} has the external_data key {Quote(group.Key)} {group.Count()} times ({string.Join(", ", group.Select(e => Quote(e.Value)))}); readers that keep the first and the last value read different data");
            }

            entries[group.Key] = first;

            // Every value of a repeated location is a file some reader opens: each must stay inside the folder.
            foreach (var other in group.Skip(1).Where(e => e.Key == "location"))
            {
                var reason = other.Value == InMemoryMarker ? "is ONNX Runtime's in-memory marker" : FolderRelativePath.UnsafeReasonByKind(other.Value);
                if (reason is not null)
                {
                    Report(RuleCatalog.OnnxExternalDataEscapesFolder, other.Offset, $"{tensor.Describe()} reads external data from {Quote(other.Value)}, which {reason}; the runtime would read a file outside the model folder");
                }
            }
        }

        if (tensor.DataLocation != 1)
        {
            Report(RuleCatalog.OnnxExternalDataMalformed, tensor.Offset, $"{tensor.Describe()} has external_data entries but its data_location is not EXTERNAL; ONNX Runtime ignores the entries while other readers follow them");
        }
        else if (tensor.RawDataLength >= 0 || tensor.TypedCounts.Count > 0)
        {
            Report(RuleCatalog.OnnxExternalDataMalformed, tensor.Offset, $"{tensor.Describe()} is stored externally but also carries inline data; readers disagree on which data is the tensor's");
        }

        if (!entries.ContainsKey("location"))
        {
            Report(RuleCatalog.OnnxExternalDataMalformed, tensor.Offset, $"{tensor.Describe()} is stored externally but has no external_data 'location'");
        }

        return entries;
    }

    private long? Number(OnnxTensor tensor, Dictionary<string, OnnxEntry> entries, string key)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Value.Length > 0 && entry.Value.Length <= 19 && entry.Value.All(c => c >= '0' && c <= '9')
            && long.TryParse(entry.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Report(RuleCatalog.OnnxExternalDataMalformed, entry.Offset, $"{tensor.Describe()} has the external_data {key} {Quote(entry.Value)}, which is not a non-negative decimal integer; readers parse it differently or fail");
        return null;
    }

    /// <summary>What the file system says about a location: whether it stays in the folder through links, exists, and its length.</summary>
    private FileFacts Facts(string location)
    {
        var full = Path.GetFullPath(Path.Combine(_directory!, location.Replace('/', Path.DirectorySeparatorChar)));
        if (_files.TryGetValue(full, out var known))
        {
            return known;
        }

        var facts = new FileFacts(full);
        _files.Add(full, facts);
        var real = FileLinks.RealPath(full);
        if (real is not null)
        {
            var roots = new[] { FileLinks.RealPath(_directory!), _modelPath is null ? null : Path.GetDirectoryName(FileLinks.RealPath(_modelPath) ?? _modelPath) };
            if (!roots.Any(root => root is not null && IsInside(real, root)))
            {
                facts.Escape = $"resolves through a symbolic link to '{real}', outside the model folder";
                return facts;
            }
        }
        else if (LinkOnTheWay(full))
        {
            facts.Escape = "passes through a symbolic link or reparse point that ModelGuard cannot resolve on this platform";
            return facts;
        }

        if (Directory.Exists(full))
        {
            facts.Missing = "is a folder, not a file";
            return facts;
        }

        if (!File.Exists(full))
        {
            facts.Missing = "does not exist next to the model";
            return facts;
        }

        if (FileProbe.IsPipeOrSocket(full))
        {
            facts.Escape = "is a pipe or socket, not a regular file";
            return facts;
        }

        if (FileLinks.HardLinkCount(full) is > 1 and var links)
        {
            facts.Escape = $"has {links} hard links: the same file is reachable from other folders, so its content is not the model's own (onnx 1.21.0 refuses such files)";
            return facts;
        }

        facts.Exists = true;
        facts.Length = new FileInfo(real ?? full).Length; // A link's own FileInfo gives the link's length, not its target's.
        return facts;
    }

    private bool LinkOnTheWay(string full)
    {
        var path = full;
        while (path is not null && path.Length > _directory!.Length)
        {
            if (FileLinks.IsLink(path))
            {
                return true;
            }

            path = Path.GetDirectoryName(path);
        }

        return false;
    }

    private void VerifyChecksum(OnnxTensor tensor, OnnxEntry checksum, FileFacts facts, long offset, long span, string location)
    {
        facts.WholeFileSha1 ??= Sha1(facts.Key, 0, facts.Length);
        var expected = checksum.Value.Trim().ToLowerInvariant();
        if (expected == facts.WholeFileSha1 || expected == Sha1(facts.Key, offset, span))
        {
            return;
        }

        Report(RuleCatalog.OnnxExternalDataChecksumMismatch, checksum.Offset, $"{tensor.Describe()} records checksum {Quote(checksum.Value)} but the SHA-1 of {Quote(location)} is '{facts.WholeFileSha1}' (and that of its {span}-byte region differs too)");
    }

    private static string Sha1(string path, long offset, long count)
    {
        using var sha = SHA1.Create();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        file.Position = offset;
        var buffer = new byte[81920];
        while (count > 0)
        {
            ScanDeadline.Check();
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, count));
            if (read <= 0)
            {
                break;
            }

            sha.TransformBlock(buffer, 0, read, null, 0);
            count -= read;
        }

        sha.TransformFinalBlock(Array.Empty<byte>(), 0, 0);
        return BitConverter.ToString(sha.Hash!).Replace("-", string.Empty).ToLowerInvariant();
    }

    private void CheckOverlaps()
    {
        foreach (var file in _regions.GroupBy(r => r.File, StringComparer.Ordinal))
        {
            Region? previous = null;
            foreach (var region in file.OrderBy(r => r.Start).ThenBy(r => r.Tensor.Offset))
            {
                if (previous is not null && region.Start < previous.Start + previous.Length)
                {
                    Report(RuleCatalog.OnnxExternalDataOutOfBounds, region.EntryOffset, $"{region.Tensor.Describe()} reads bytes {region.Start} to {region.Start + region.Length} of {Quote(region.Location)}, which overlap those of {previous.Tensor.Describe()} ({previous.Start} to {previous.Start + previous.Length})");
                }

                if (previous is null || region.Start + region.Length > previous.Start + previous.Length)
                {
                    previous = region;
                }
            }
        }
    }

    private static bool IsInside(string path, string root)
    {
        var comparison = RuntimeInformationIsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        var prefix = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
        return path.StartsWith(prefix, comparison);
    }

    private static bool RuntimeInformationIsWindows() => Path.DirectorySeparatorChar == '\\';

    private void Report(RuleDescriptor rule, long? offset, string message) => _issues.Add(new FormatIssue(rule, offset, message));

    private static string Quote(string value) => "'" + (value.Length > 200 ? value.Substring(0, 200) + "..." : value) + "'";

    private sealed class FileFacts
    {
        public FileFacts(string key) => Key = key;

        public string Key { get; }

        public string? Escape { get; set; }

        public string Missing { get; set; } = "does not exist";

        public bool Exists { get; set; }

        public long Length { get; set; }

        public string? WholeFileSha1 { get; set; }
    }

    private sealed class Region
    {
        public Region(string file, string location, long start, long length, OnnxTensor tensor, long entryOffset)
        {
            File = file;
            Location = location;
            Start = start;
            Length = length;
            Tensor = tensor;
            EntryOffset = entryOffset;
        }

        public string File { get; }

        public string Location { get; }

        public long Start { get; }

        public long Length { get; }

        public OnnxTensor Tensor { get; }

        public long EntryOffset { get; }
    }
}
