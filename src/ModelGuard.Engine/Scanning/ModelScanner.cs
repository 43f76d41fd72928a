using System;
using System.IO;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Scans one file: decides its format from its bytes and validates it statically. Never executes, imports or
/// deserializes content, never writes to the file. Thread-safe; one instance can scan many files in parallel.
/// </summary>
public sealed class ModelScanner
{
    /// <summary>Creates a scanner with <see cref="ScanOptions.Default"/>.</summary>
    public ModelScanner()
        : this(ScanOptions.Default)
    {
    }

    /// <summary>Creates a scanner with the given options.</summary>
    public ModelScanner(ScanOptions options) => Options = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>The options every scan uses.</summary>
    public ScanOptions Options { get; }

    /// <summary>Scans a file on disk. Problems opening it become MG9002 findings, never exceptions.</summary>
    /// <param name="path">The path to open.</param>
    /// <param name="displayPath">How findings name the file (for example the MSBuild item spec); defaults to <paramref name="path"/>.</param>
    public ScanResult ScanFile(string path, string? displayPath = null)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        var shown = displayPath ?? path;
        FileStream stream;
        try
        {
            if (Directory.Exists(path))
            {
                return Unreadable(shown, "the path is a directory, not a file");
            }

            // Opening a FIFO for reading blocks until a writer appears: a build must never wait on one.
            if (FileProbe.IsPipeOrSocket(path))
            {
                return Unreadable(shown, "the path is a pipe or socket, not a regular file");
            }

            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException or System.Security.SecurityException)
        {
            return Unreadable(shown, DescribeOpenFailure(ex));
        }

        using (stream)
        {
            if (!stream.CanSeek || !stream.CanRead)
            {
                return Unreadable(shown, "the path is not a regular file (it cannot be read from the start again)");
            }

            return Scan(stream, shown, PhysicalPathOf(path));
        }
    }

    /// <summary>Scans content from a seekable, readable stream; the stream is not closed.</summary>
    public ScanResult Scan(Stream content, string displayPath) => Scan(content, displayPath, physicalPath: null);

    private ScanResult Scan(Stream content, string displayPath, string? physicalPath)
    {
        if (content is null)
        {
            throw new ArgumentNullException(nameof(content));
        }

        if (!content.CanSeek || !content.CanRead)
        {
            throw new ArgumentException("The stream must be readable and seekable.", nameof(content));
        }

        var context = new ScanContext(displayPath, Options) { PhysicalPath = physicalPath };
        var format = ContentFormat.Unknown;
        using var deadline = ScanDeadline.Enter(Options.MaxScanTime);
        try
        {
            // Every direct read of the file checks the time budget; decompressors and the pickle loop check it too.
            format = ContentDispatcher.ScanSeekable(context, new DeadlineStream(content), member: null, depth: 0);
        }
        catch (ScanLimitExceededException ex)
        {
            var rule = ex.Limit == ScanLimit.Time ? RuleCatalog.ScanTimeLimitExceeded : RuleCatalog.ScanLimitExceeded;
            context.Report(rule, ex.Member, null, ex.Message);
        }
#pragma warning disable CA1031 // Any failure of the engine must become a finding, never a crashed build.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            context.Report(RuleCatalog.InternalError, null, null, $"the scan failed with {ex.GetType().Name}: {ex.Message}; the file was not verified");
        }

        return new ScanResult(displayPath, format, context.Findings) { ReferencedFiles = context.ReferencedFiles };
    }

    private static string? PhysicalPathOf(string path)
    {
        try
        {
            return Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return null;
        }
    }

    private static ScanResult Unreadable(string shown, string reason)
        => new(shown, ContentFormat.Unknown, new[] { new Finding(RuleCatalog.UnreadableFile, shown, null, null, reason) });

    private static string DescribeOpenFailure(Exception ex) => ex switch
    {
        FileNotFoundException or DirectoryNotFoundException => "the file does not exist",
        UnauthorizedAccessException or System.Security.SecurityException => "access to the file is denied",
        IOException => $"the file cannot be opened ({ex.Message})",
        _ => $"the path is not valid ({ex.Message})",
    };
}
