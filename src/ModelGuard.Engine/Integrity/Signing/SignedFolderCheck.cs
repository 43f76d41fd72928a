using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>Recomputes the folder as the statement's serialization describes it and reports every difference.</summary>
internal static class SignedFolderCheck
{
    public static void Check(ModelSignatureRequest request, ModelSigningStatement statement, List<Finding> findings)
    {
        var ignored = new List<string>(statement.IgnorePaths) { request.SignatureFileName };
        var onDisk = new SortedDictionary<string, FileInfo>(StringComparer.Ordinal);
        Collect(new DirectoryInfo(request.Folder), string.Empty, ignored, onDisk);
        var bundled = request.BundledFiles is null ? null : new HashSet<string>(request.BundledFiles, StringComparer.Ordinal);

        var expected = new Dictionary<string, List<(long Start, long End, string Digest)>>(StringComparer.Ordinal);
        foreach (var resource in statement.Resources)
        {
            if (statement.Method == "files")
            {
                expected[resource.Key] = new List<(long, long, string)> { (0, -1, resource.Value) };
                continue;
            }

            var path = ModelSigningStatement.ShardPath(resource.Key);
            var range = resource.Key.Substring(path.Length + 1).Split(':');
            if (!long.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var start) || !long.TryParse(range[1], NumberStyles.None, CultureInfo.InvariantCulture, out var end) || end <= start)
            {
                throw new SignatureFormatException($"the shard name '{resource.Key}' has an invalid range");
            }

            if (!expected.TryGetValue(path, out var shards))
            {
                expected[path] = shards = new List<(long, long, string)>();
            }

            shards.Add((start, end, resource.Value));
        }

        foreach (var file in onDisk)
        {
            var display = ModelSignatureVerifier.Join(request.DisplayFolder, file.Key);
            if (!expected.TryGetValue(file.Key, out var signed))
            {
                // "shards" leaves out empty files: they have no shard.
                var emptyUnderShards = statement.Method == "shards" && file.Value.Length == 0 && (file.Value.Attributes & FileAttributes.ReparsePoint) == 0;
                if (!emptyUnderShards && (bundled is null || bundled.Contains(file.Key)))
                {
                    findings.Add(new Finding(RuleCatalog.FileNotSigned, display, null, null, $"the file is in the signed model folder '{request.DisplayFolder}' but its signature does not cover it"));
                }

                continue;
            }

            if ((file.Value.Attributes & FileAttributes.ReparsePoint) != 0 && !statement.AllowSymlinks)
            {
                findings.Add(new Finding(RuleCatalog.SignedFileChanged, display, null, null, "the file is a symbolic link and the signature does not allow links (allow_symlinks is false)"));
                continue;
            }

            try
            {
                CompareContent(request, statement, file.Value, display, signed, findings);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                findings.Add(new Finding(RuleCatalog.SignedFileChanged, display, null, null, $"the file cannot be read to compare it with the signature: {ex.Message}"));
            }
        }

        foreach (var missing in expected.Keys.Where(k => !onDisk.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
        {
            findings.Add(new Finding(RuleCatalog.SignedFileChanged, ModelSignatureVerifier.Join(request.DisplayFolder, missing), null, null, $"the signature lists this file but it is not in the model folder '{request.DisplayFolder}'"));
        }
    }

    private static void CompareContent(ModelSignatureRequest request, ModelSigningStatement statement, FileInfo file, string display, List<(long Start, long End, string Digest)> signed, List<Finding> findings)
    {
        if (statement.Method == "files")
        {
            var digest = request.HashFile(file.FullName);
            if (digest.Sha256 != signed[0].Digest)
            {
                findings.Add(new Finding(RuleCatalog.SignedFileChanged, display, null, null, $"the content differs from the signature: sha256 {digest.Sha256} (signed {signed[0].Digest}), {digest.Size} bytes"));
            }

            return;
        }

        var size = file.Length;
        var expectedRanges = new List<(long, long)>();
        for (long start = 0; start < size; start += statement.ShardSize)
        {
            expectedRanges.Add((start, Math.Min(start + statement.ShardSize, size)));
        }

        var signedRanges = signed.Select(s => (s.Start, s.End)).OrderBy(r => r.Start).ToList();
        if (!signedRanges.SequenceEqual(expectedRanges))
        {
            var signedSize = signedRanges.Count == 0 ? 0 : signedRanges.Max(r => r.End);
            findings.Add(new Finding(RuleCatalog.SignedFileChanged, display, null, null, $"the file has {size} bytes but its signed shards cover {signedSize} bytes"));
            return;
        }

        foreach (var shard in signed.OrderBy(s => s.Start))
        {
            var digest = FileHasher.HashRange(file.FullName, shard.Start, shard.End - shard.Start);
            if (digest.Sha256 != shard.Digest)
            {
                findings.Add(new Finding(RuleCatalog.SignedFileChanged, display, null, shard.Start, $"the content differs from the signature: bytes {shard.Start}-{shard.End} have sha256 {digest.Sha256} (signed {shard.Digest})"));
            }
        }
    }

    private static void Collect(DirectoryInfo directory, string prefix, List<string> ignored, SortedDictionary<string, FileInfo> files)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            var relative = prefix + entry.Name;
            if (ignored.Any(i => relative == i || relative.StartsWith(i + "/", StringComparison.Ordinal)))
            {
                continue;
            }

            var isLink = (entry.Attributes & FileAttributes.ReparsePoint) != 0;
            if (entry is DirectoryInfo sub && !isLink)
            {
                Collect(sub, relative + "/", ignored, files);
            }
            else if (entry is FileInfo file)
            {
                files[relative] = file;
            }
            else if (isLink)
            {
                files[relative] = new FileInfo(entry.FullName);
            }
        }
    }
}
