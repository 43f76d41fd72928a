using ModelGuard.Engine.Findings;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Safetensors;

/// <summary>
/// Validates a sharded model's <c>*.safetensors.index.json</c>: every <c>weight_map</c> value must name a file inside
/// the model folder that exists, the shards' headers (only their headers are read) must hold exactly the tensors the
/// index maps to them, and <c>metadata.total_size</c> should equal the bytes the shards' tensors take.
/// </summary>
internal static class SafetensorsIndexValidator
{
    /// <summary>Index files larger than this are not parsed (real ones are a few megabytes at most).</summary>
    public const long MaxIndexBytes = 64L * 1024 * 1024;

    /// <summary>Validates the index in <paramref name="content"/>.</summary>
    /// <param name="content">The index file, from its current position.</param>
    /// <param name="length">Its length, when known.</param>
    /// <param name="directory">The folder the index is in, or null when the content is not a file on disk (then no shard is checked).</param>
    public static IReadOnlyList<FormatIssue> Validate(Stream content, long? length, string? directory)
    {
        var issues = new List<FormatIssue>();
        if (length is > MaxIndexBytes)
        {
            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIndexUnreadable, null, $"the index is {length} bytes; ModelGuard reads index files of up to {MaxIndexBytes} bytes, so its shards were not checked"));
            return issues;
        }

        if (length is null)
        {
            var copy = new MemoryStream();
            var buffer = new byte[81920];
            int read;
            while ((read = content.Read(buffer, 0, buffer.Length)) > 0 && copy.Length <= MaxIndexBytes)
            {
                copy.Write(buffer, 0, read);
            }

            return copy.Length > MaxIndexBytes ? Validate(Stream.Null, copy.Length, directory) : Validate(new MemoryStream(copy.GetBuffer(), 0, (int)copy.Length, writable: false), copy.Length, directory);
        }

        JsonNode root;
        try
        {
            root = JsonDocument.Parse(content, length.Value);
        }
        catch (JsonReaderException ex)
        {
            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIndexUnreadable, ex.Offset, $"the index is not valid JSON: {ex.Message}; its shards were not checked"));
            return issues;
        }

        var map = ReadWeightMap(root, issues);
        if (map is null)
        {
            return issues;
        }

        var shards = GroupByShard(map, issues);
        var checkable = new List<Shard>();
        foreach (var shard in shards)
        {
            var reason = UnsafePathReason(shard.Path);
            if (reason is not null)
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsIndexPathEscapesFolder,
                    shard.FirstOffset,
                    $"weight_map maps {Tensors(shard)} to {SafetensorsText.Quote(shard.Path)}, which {reason}; a loader that joins it to the model folder reads a file outside it"));
            }
            else
            {
                checkable.Add(shard);
            }
        }

        if (directory is null)
        {
            return issues;
        }

        var effective = map.GroupBy(e => e.Tensor, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Shard, StringComparer.Ordinal);
        ulong total = 0;
        var totalKnown = checkable.Count == shards.Count;
        foreach (var shard in checkable)
        {
            var size = CheckShard(shard, directory, effective, issues);
            if (size is null)
            {
                totalKnown = false;
            }
            else
            {
                total = total + size.Value < total ? ulong.MaxValue : total + size.Value;
            }
        }

        if (totalKnown)
        {
            CheckTotalSize(root, total, issues);
        }

        return issues;
    }

    /// <summary>Why a weight_map value is not a plain relative path inside the model folder, or null.</summary>
    public static string? UnsafePathReason(string path) => IO.FolderRelativePath.UnsafeReason(path);

    private static List<MapEntry>? ReadWeightMap(JsonNode root, List<FormatIssue> issues)
    {
        if (root is not JsonObjectNode top)
        {
            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIndexUnreadable, root.Offset, $"the index is {root.KindName}, not a JSON object with a weight_map"));
            return null;
        }

        var maps = top.All("weight_map").ToList();
        if (maps.Count == 0)
        {
            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIndexUnreadable, top.Offset, "the index has no weight_map, so no loader can find its shards"));
            return null;
        }

        if (maps.Count > 1)
        {
            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIndexUnreadable, maps[1].NameOffset, $"the index has {maps.Count} weight_map members; JSON readers disagree on which one counts"));
        }

        if (maps[maps.Count - 1].Value is not JsonObjectNode weights)
        {
            issues.Add(new FormatIssue(RuleCatalog.SafetensorsIndexUnreadable, maps[maps.Count - 1].Value.Offset, $"weight_map is {maps[maps.Count - 1].Value.KindName}, not an object that maps tensor names to shard files"));
            return null;
        }

        var entries = new List<MapEntry>();
        foreach (var member in weights.Members)
        {
            if (member.Value is JsonStringNode file)
            {
                entries.Add(new MapEntry(member.Name, file.Value, file.Offset));
            }
            else
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsIndexUnreadable,
                    member.Value.Offset,
                    $"weight_map maps tensor {SafetensorsText.Quote(member.Name)} to {member.Value.KindName}, not to a shard file name"));
            }
        }

        return entries;
    }

    private static List<Shard> GroupByShard(List<MapEntry> map, List<FormatIssue> issues)
    {
        foreach (var group in map.GroupBy(e => e.Tensor, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var targets = group.Select(e => e.Shard).Distinct(StringComparer.Ordinal).ToList();
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexShardMismatch,
                group.ElementAt(1).Offset,
                $"weight_map lists tensor {SafetensorsText.Quote(group.Key)} {group.Count()} times (to {SafetensorsText.List(targets)}); loaders keep the last entry, so the index is ambiguous"));
        }

        var shards = new List<Shard>();
        var byPath = new Dictionary<string, Shard>(StringComparer.Ordinal);
        foreach (var entry in map)
        {
            if (!byPath.TryGetValue(entry.Shard, out var shard))
            {
                shard = new Shard(entry.Shard, entry.Offset);
                byPath.Add(entry.Shard, shard);
                shards.Add(shard);
            }

            shard.Tensors.Add(entry.Tensor);
        }

        return shards;
    }

    private static ulong? CheckShard(Shard shard, string directory, Dictionary<string, string> effective, List<FormatIssue> issues)
    {
        var quoted = SafetensorsText.Quote(shard.Path);
        var full = Path.Combine(directory, shard.Path.Replace('/', Path.DirectorySeparatorChar));
        SafetensorsHeaderReadResult read;
        try
        {
            if (!File.Exists(full))
            {
                issues.Add(new FormatIssue(
                    RuleCatalog.SafetensorsIndexMissingShard,
                    shard.FirstOffset,
                    $"weight_map maps {Tensors(shard)} to {quoted}, which does not exist next to the index"));
                return null;
            }

            using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
            read = SafetensorsHeaderReader.Read(stream, stream.Length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexShardMismatch,
                shard.FirstOffset,
                $"shard {quoted} cannot be read ({ex.Message.TrimEnd('.')}), so the index cannot be checked against it"));
            return null;
        }

        if (read.Header is null)
        {
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexShardMismatch,
                shard.FirstOffset,
                $"shard {quoted} has no valid safetensors header ({read.Failure!.Rule.Id}: {read.Failure.Message}), so the index cannot be checked against it"));
            return null;
        }

        var tensors = read.Header.EffectiveTensors();
        var inHeader = new HashSet<string>(tensors.Select(t => t.Name), StringComparer.Ordinal);
        var listedHere = shard.Tensors.Where(t => string.Equals(effective[t], shard.Path, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal).ToList();
        var absent = listedHere.Where(t => !inHeader.Contains(t)).ToList();
        if (absent.Count > 0)
        {
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexShardMismatch,
                shard.FirstOffset,
                $"the index maps {SafetensorsText.Count(absent.Count, "tensor")} to {quoted} that its header does not contain: {SafetensorsText.List(absent)}"));
        }

        var elsewhere = new List<string>();
        var unlisted = new List<string>();
        foreach (var tensor in tensors)
        {
            if (!effective.TryGetValue(tensor.Name, out var mapped))
            {
                unlisted.Add(tensor.Name);
            }
            else if (!string.Equals(mapped, shard.Path, StringComparison.Ordinal))
            {
                elsewhere.Add($"{SafetensorsText.Quote(tensor.Name)} (mapped to {SafetensorsText.Quote(mapped)})");
            }
        }

        if (elsewhere.Count > 0)
        {
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexShardMismatch,
                shard.FirstOffset,
                $"shard {quoted} contains {SafetensorsText.Count(elsewhere.Count, "tensor")} that the index maps to another shard: {SafetensorsText.JoinShown(elsewhere)}"));
        }

        if (unlisted.Count > 0)
        {
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexShardMismatch,
                shard.FirstOffset,
                $"shard {quoted} contains {SafetensorsText.Count(unlisted.Count, "tensor")} that the index does not list: {SafetensorsText.List(unlisted)}"));
        }

        ulong bytes = 0;
        foreach (var tensor in tensors)
        {
            var size = tensor.End >= tensor.Begin ? tensor.End - tensor.Begin : 0;
            bytes = bytes + size < bytes ? ulong.MaxValue : bytes + size;
        }

        return bytes;
    }

    private static void CheckTotalSize(JsonNode root, ulong total, List<FormatIssue> issues)
    {
        if (root is not JsonObjectNode top || top.Last("metadata")?.Value is not JsonObjectNode metadata || metadata.Last("total_size") is not { } member)
        {
            return;
        }

        if (member.Value is not JsonNumberNode number || !number.Number.TryGetUInt64(out var declared))
        {
            var shown = member.Value is JsonNumberNode n ? n.Number.Text : member.Value.KindName;
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexTotalSizeMismatch,
                member.Value.Offset,
                $"metadata.total_size is {shown}, not a byte count; the shards' tensors take {total} bytes"));
            return;
        }

        if (declared != total)
        {
            issues.Add(new FormatIssue(
                RuleCatalog.SafetensorsIndexTotalSizeMismatch,
                member.Value.Offset,
                $"metadata.total_size is {declared} bytes but the shards' tensors take {total} bytes ({(declared > total ? declared - total : total - declared)} bytes {(declared > total ? "fewer" : "more")})"));
        }
    }

    private static string Tensors(Shard shard) => $"{SafetensorsText.Count(shard.Tensors.Count, "tensor")} (first {SafetensorsText.Quote(shard.Tensors[0])})";

    private sealed class MapEntry
    {
        public MapEntry(string tensor, string shard, long offset)
        {
            Tensor = tensor;
            Shard = shard;
            Offset = offset;
        }

        public string Tensor { get; }

        public string Shard { get; }

        public long Offset { get; }
    }

    private sealed class Shard
    {
        public Shard(string path, long firstOffset)
        {
            Path = path;
            FirstOffset = firstOffset;
        }

        public string Path { get; }

        public long FirstOffset { get; }

        public List<string> Tensors { get; } = new();
    }
}
