using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Hosting.Scanning;

/// <summary>One file to scan (an item of the build, or a file the command line found), and what its scan found.</summary>
internal sealed class ScanTarget
{
    public ScanTarget(string fullPath, string displayPath, HashSet<string> noWarn)
    {
        FullPath = fullPath;
        DisplayPath = displayPath;
        NoWarn = noWarn;
    }

    public string FullPath { get; }

    /// <summary>The path diagnostics show (relative to the project or the working directory when the file is under it).</summary>
    public string DisplayPath { get; }

    /// <summary>Rule IDs suppressed for this file only (the item's <c>ModelGuardNoWarn</c>).</summary>
    public HashSet<string> NoWarn { get; }

    /// <summary>Why the path cannot be resolved (reported as MG9002), or null.</summary>
    public string? InvalidPath { get; set; }

    public FileSettings Settings { get; set; } = FileSettings.Empty;

    public ModelScanner? Scanner { get; set; }

    public string OptionsFingerprint { get; set; } = string.Empty;

    /// <summary>Size in bytes, or -1 when the file cannot be seen (the scan then reports why).</summary>
    public long Length { get; private set; } = -1;

    public long LastWriteTicksUtc { get; private set; }

    public string Format { get; set; } = nameof(ContentFormat.Unknown);

    public IReadOnlyList<Finding> Findings { get; set; } = Array.Empty<Finding>();

    /// <summary>Other files the verdict depends on (<c>ScanResult.ReferencedFiles</c>).</summary>
    public IReadOnlyList<string> ReferencedFiles { get; set; } = Array.Empty<string>();

    public bool FromCache { get; set; }

    public bool Cacheable { get; set; }

    /// <summary>Size, write time, identity and change time when the scan started (<see cref="FileStamp"/>).</summary>
    public FileStamp Stamp { get; private set; }

    public void Stat()
    {
        try
        {
            if (File.Exists(FullPath))
            {
                Stamp = FileStamp.Of(FullPath);
                Length = Stamp.Length;
                LastWriteTicksUtc = Stamp.LastWriteTicksUtc;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            Length = -1;
        }
    }

    public bool IsUnchangedOnDisk()
    {
        try
        {
            return File.Exists(FullPath) && FileStamp.Of(FullPath).Equals(Stamp);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return false;
        }
    }
}
