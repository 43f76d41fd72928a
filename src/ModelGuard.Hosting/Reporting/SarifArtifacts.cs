using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// The <c>artifacts</c> table of a SARIF run and the locations that point into it. A file under the root gets a relative URI with
/// <c>uriBaseId</c> <see cref="SarifRun.RootBaseId"/> (what GitHub code scanning maps to a file of the repository); a file elsewhere
/// an absolute <c>file://</c> URI. An archive member is a nested artifact (<c>parentIndex</c> of its container, its URI relative
/// to the container, one artifact per nesting level), so a byte offset inside the member can be a real region of that artifact.
/// </summary>
internal sealed class SarifArtifacts
{
    private readonly List<Entry> _entries = new();
    private readonly Dictionary<string, int> _byKey = new(StringComparer.Ordinal);
    private readonly string? _rootPrefix;

    public SarifArtifacts(string? rootDirectory)
    {
        RootUri = rootDirectory is null ? null : new Uri(DirectoryPrefix(rootDirectory)).AbsoluteUri;
        _rootPrefix = rootDirectory is null ? null : DirectoryPrefix(Path.GetFullPath(rootDirectory));
    }

    /// <summary>The root as an absolute URI ending in <c>/</c> (<c>originalUriBaseIds</c>), or null.</summary>
    public string? RootUri { get; }

    public int Count => _entries.Count;

    /// <summary>The path relative to the root with <c>/</c> separators, or null when the file is not under the root.</summary>
    public string? RelativePath(string fullPath)
        => _rootPrefix is not null && fullPath.StartsWith(_rootPrefix, ScanRun.PathComparison)
            ? fullPath.Substring(_rootPrefix.Length).Replace(Path.DirectorySeparatorChar, '/')
            : null;

    /// <summary>The index of the file's artifact, added (with its length when known) if it is not there yet.</summary>
    public int File(string fullPath, long? length = null, bool analyzed = false)
    {
        var key = "file\n" + fullPath;
        if (_byKey.TryGetValue(key, out var index))
        {
            return index;
        }

        var relative = RelativePath(fullPath);
        var uri = relative is null ? new Uri(fullPath).AbsoluteUri : EscapePath(relative);
        return Add(key, new Entry(uri, relative is null ? null : SarifRun.RootBaseId, null, length, analyzed));
    }

    /// <summary>The index of the innermost member of <paramref name="member"/> (nested members joined by <c>!/</c>) inside the file at <paramref name="fileIndex"/>.</summary>
    public int Member(int fileIndex, string member)
    {
        var parent = fileIndex;
        foreach (var level in member.Split(new[] { "!/" }, StringSplitOptions.None))
        {
            var key = "member\n" + parent + "\n" + level;
            if (!_byKey.TryGetValue(key, out var index))
            {
                index = Add(key, new Entry(EscapePath(level), null, parent, null, false));
            }

            parent = index;
        }

        return parent;
    }

    /// <summary>An <c>artifactLocation</c> for the artifact at <paramref name="index"/>.</summary>
    public void WriteLocation(JsonWriter json, int index)
    {
        var entry = _entries[index];
        json.Name("artifactLocation").BeginObject();
        if (entry.ParentIndex is null)
        {
            // Nested artifacts are named by index only: their URI is relative to their container, not to the root, and a
            // consumer that ignores the artifacts table must not read it as a file of the repository.
            json.Property("uri", entry.Uri);
            if (entry.UriBaseId is not null)
            {
                json.Property("uriBaseId", entry.UriBaseId);
            }
        }

        json.Property("index", index).EndObject();
    }

    public void Write(JsonWriter json)
    {
        json.Name("artifacts").BeginArray();
        foreach (var entry in _entries)
        {
            json.BeginObject().Name("location").BeginObject().Property("uri", entry.Uri);
            if (entry.UriBaseId is not null)
            {
                json.Property("uriBaseId", entry.UriBaseId);
            }

            json.EndObject();
            if (entry.ParentIndex is { } parent)
            {
                json.Property("parentIndex", parent);
            }

            if (entry.Length is { } length)
            {
                json.Property("length", length);
            }

            if (entry.Analyzed)
            {
                json.Name("roles").BeginArray().String("analysisTarget").EndArray();
            }

            json.EndObject();
        }

        json.EndArray();
    }

    private int Add(string key, Entry entry)
    {
        var index = _entries.Count;
        _entries.Add(entry);
        _byKey.Add(key, index);
        return index;
    }

    /// <summary>A relative URI reference: every segment escaped, so spaces, <c>#</c> and <c>%</c> in names survive.</summary>
    private static string EscapePath(string path) => string.Join("/", path.Split('/').Select(Uri.EscapeDataString));

    private static string DirectoryPrefix(string directory)
        => directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;

    private sealed class Entry
    {
        public Entry(string uri, string? uriBaseId, int? parentIndex, long? length, bool analyzed)
        {
            Uri = uri;
            UriBaseId = uriBaseId;
            ParentIndex = parentIndex;
            Length = length;
            Analyzed = analyzed;
        }

        public string Uri { get; }

        public string? UriBaseId { get; }

        public int? ParentIndex { get; }

        public long? Length { get; }

        public bool Analyzed { get; }
    }
}
