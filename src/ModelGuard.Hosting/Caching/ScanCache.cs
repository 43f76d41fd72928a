using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Hosting.Caching;

/// <summary>One raw finding as the engine reported it, before any severity configuration.</summary>
internal sealed class CachedFinding
{
    public CachedFinding(string ruleId, string? member, long? offset, string message)
    {
        RuleId = ruleId;
        Member = member;
        Offset = offset;
        Message = message;
    }

    public string RuleId { get; }

    public string? Member { get; }

    public long? Offset { get; }

    public string Message { get; }
}

/// <summary>The engine's verdict on one file version under one set of scan options.</summary>
internal sealed class CachedScan
{
    public CachedScan(string fullPath, long length, long lastWriteTicksUtc, string optionsFingerprint, string format, IReadOnlyList<CachedFinding> findings, FileStamp stamp = default)
    {
        Stamp = stamp;
        FullPath = fullPath;
        Length = length;
        LastWriteTicksUtc = lastWriteTicksUtc;
        OptionsFingerprint = optionsFingerprint;
        Format = format;
        Findings = findings;
    }

    public string FullPath { get; }

    public long Length { get; }

    public long LastWriteTicksUtc { get; }

    /// <summary>The file's identity and change time when it was scanned (<see cref="FileStamp"/>; none where the OS gives none).</summary>
    public FileStamp Stamp { get; }

    /// <summary><c>ScanOptions.Fingerprint</c>: limits, user allowlist and engine version.</summary>
    public string OptionsFingerprint { get; }

    /// <summary>The <c>ContentFormat</c> name.</summary>
    public string Format { get; }

    public IReadOnlyList<CachedFinding> Findings { get; }
}

/// <summary>
/// Per-file scan results kept in <c>$(IntermediateOutputPath)modelguard.cache</c>, so unchanged models are not read again.
/// An entry is used only when the file's full path, size, last write time (UTC ticks), identity and change time
/// (<see cref="FileStamp"/>: a same-size rewrite with its write time put back is scanned again), the engine version and the scan
/// options' fingerprint all match. The file is a magic and format version, the payload's length and SHA-256, then the payload: anything
/// that does not verify (truncated, garbage, another version) is discarded as a whole and every file is scanned again.
/// Written to a temporary file and renamed over the old one, so a crash never leaves a half-written cache.
/// It also keeps the build's resolved analyzer configuration (<see cref="Configuration"/>), which is reused only while its inputs
/// are unchanged, and the files' SHA-256 digests for the lock file (<see cref="Hashes"/>).
/// </summary>
internal sealed class ScanCache
{
    private const int FormatVersion = 3;
    private const int HashLength = 32;
    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("MGCACHE\n");

    private readonly Dictionary<string, CachedScan> _entries;

    private ScanCache(string engineVersion, Dictionary<string, CachedScan> entries)
    {
        EngineVersion = engineVersion;
        _entries = entries;
    }

    /// <summary>The engine version the entries were produced by.</summary>
    public string EngineVersion { get; }

    public int Count => _entries.Count;

    /// <summary>The analyzer configuration the last build resolved, or null.</summary>
    public ResolvedConfiguration? Configuration { get; set; }

    /// <summary>SHA-256 digests of the files the lock file pins (<see cref="FileHashCache"/>), kept with the verdicts.</summary>
    public FileHashCache Hashes { get; set; } = new();

    /// <summary>An empty cache for <paramref name="engineVersion"/>.</summary>
    public static ScanCache Empty(string engineVersion, StringComparer pathComparer) => new(engineVersion, new Dictionary<string, CachedScan>(pathComparer));

    /// <summary>
    /// Reads the cache at <paramref name="path"/>. A missing file gives an empty cache; a file that does not verify gives an empty
    /// cache and the reason in <paramref name="problem"/>; a cache of another engine version is empty without a problem.
    /// </summary>
    public static ScanCache Load(string path, string engineVersion, StringComparer pathComparer, out string? problem)
    {
        problem = null;
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return Empty(engineVersion, pathComparer);
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            problem = $"cannot be read ({ex.GetType().Name}: {ex.Message})";
            return Empty(engineVersion, pathComparer);
        }

        try
        {
            var cache = Parse(bytes, pathComparer, out problem);
            if (cache is null)
            {
                return Empty(engineVersion, pathComparer);
            }

            return string.Equals(cache.EngineVersion, engineVersion, StringComparison.Ordinal) ? cache : Empty(engineVersion, pathComparer);
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException or FormatException or ArgumentException or OverflowException or DecoderFallbackException)
        {
            problem = $"is corrupt ({ex.GetType().Name}: {ex.Message})";
            return Empty(engineVersion, pathComparer);
        }
    }

    /// <summary>The entry for this exact file version (<paramref name="stamp"/>: its identity, when it has one) and options, or null.</summary>
    public CachedScan? TryGet(string fullPath, long length, long lastWriteTicksUtc, string optionsFingerprint, FileStamp stamp = default)
        => _entries.TryGetValue(fullPath, out var entry)
           && entry.Length == length
           && entry.LastWriteTicksUtc == lastWriteTicksUtc
           && entry.Stamp.SameIdentity(stamp)
           && string.Equals(entry.OptionsFingerprint, optionsFingerprint, StringComparison.Ordinal)
            ? entry
            : null;

    public void Set(CachedScan entry) => _entries[entry.FullPath] = entry;

    /// <summary>Writes the cache atomically: a temporary file beside <paramref name="path"/>, then a rename over it.</summary>
    public void Save(string path)
    {
        var payload = Serialize();
        byte[] hash;
        using (var sha = SHA256.Create())
        {
            hash = sha.ComputeHash(payload);
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var temp = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new BinaryWriter(stream, Encoding.UTF8))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(payload.Length);
                writer.Write(hash);
                writer.Write(payload);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            Replace(temp, path);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    private static void Replace(string source, string destination)
    {
        // netstandard2.0 has no File.Move(overwrite): File.Replace is an atomic rename on .NET (Unix and Windows) and
        // ReplaceFile on .NET Framework; it needs an existing destination, which a first build does not have.
        if (File.Exists(destination))
        {
            File.Replace(source, destination, destinationBackupFileName: null, ignoreMetadataErrors: true);
            return;
        }

        File.Move(source, destination);
    }

    private byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(EngineVersion);
            writer.Write(_entries.Count);
            foreach (var entry in _entries.Values)
            {
                writer.Write(entry.FullPath);
                writer.Write(entry.Length);
                writer.Write(entry.LastWriteTicksUtc);
                entry.Stamp.Write(writer);
                writer.Write(entry.OptionsFingerprint);
                writer.Write(entry.Format);
                writer.Write(entry.Findings.Count);
                foreach (var finding in entry.Findings)
                {
                    writer.Write(finding.RuleId);
                    writer.Write(finding.Member is not null);
                    writer.Write(finding.Member ?? string.Empty);
                    writer.Write(finding.Offset.HasValue);
                    writer.Write(finding.Offset ?? 0);
                    writer.Write(finding.Message);
                }
            }

            var configuration = Configuration?.Key is null ? null : Configuration;
            writer.Write(configuration is not null);
            configuration?.Write(writer);
            Hashes.Write(writer);
        }

        return buffer.ToArray();
    }

    private static ScanCache? Parse(byte[] bytes, StringComparer pathComparer, out string? problem)
    {
        var headerLength = Magic.Length + 4 + 4 + HashLength;
        if (bytes.Length < headerLength || !StartsWithMagic(bytes))
        {
            problem = "is not a ModelGuard cache file";
            return null;
        }

        var version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version != FormatVersion)
        {
            problem = $"has format version {version}, not {FormatVersion}";
            return null;
        }

        var payloadLength = BitConverter.ToInt32(bytes, Magic.Length + 4);
        if (payloadLength < 0 || headerLength + (long)payloadLength != bytes.Length)
        {
            problem = "is truncated or has trailing data";
            return null;
        }

        byte[] actual;
        using (var sha = SHA256.Create())
        {
            actual = sha.ComputeHash(bytes, headerLength, payloadLength);
        }

        for (var i = 0; i < HashLength; i++)
        {
            if (actual[i] != bytes[Magic.Length + 8 + i])
            {
                problem = "does not match its checksum";
                return null;
            }
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, headerLength, payloadLength, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));
        var engineVersion = reader.ReadString();
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new FormatException("negative entry count");
        }

        var entries = new Dictionary<string, CachedScan>(pathComparer);
        for (var i = 0; i < count; i++)
        {
            var fullPath = reader.ReadString();
            var length = reader.ReadInt64();
            var ticks = reader.ReadInt64();
            var stamp = FileStamp.Read(reader);
            var fingerprint = reader.ReadString();
            var format = reader.ReadString();
            var findingCount = reader.ReadInt32();
            if (findingCount < 0)
            {
                throw new FormatException("negative finding count");
            }

            var findings = new List<CachedFinding>(Math.Min(findingCount, 1024));
            for (var j = 0; j < findingCount; j++)
            {
                var ruleId = reader.ReadString();
                var hasMember = reader.ReadBoolean();
                var member = reader.ReadString();
                var hasOffset = reader.ReadBoolean();
                var offset = reader.ReadInt64();
                var message = reader.ReadString();
                findings.Add(new CachedFinding(ruleId, hasMember ? member : null, hasOffset ? offset : null, message));
            }

            entries[fullPath] = new CachedScan(fullPath, length, ticks, fingerprint, format, findings, stamp);
        }

        var configuration = reader.ReadBoolean() ? ResolvedConfiguration.Read(reader) : null;
        var hashes = FileHashCache.Read(reader);

        if (reader.BaseStream.Position != reader.BaseStream.Length)
        {
            throw new FormatException("data after the last entry");
        }

        problem = null;
        return new ScanCache(engineVersion, entries) { Configuration = configuration, Hashes = hashes };
    }

    private static bool StartsWithMagic(byte[] bytes)
    {
        for (var i = 0; i < Magic.Length; i++)
        {
            if (bytes[i] != Magic[i])
            {
                return false;
            }
        }

        return true;
    }
}
