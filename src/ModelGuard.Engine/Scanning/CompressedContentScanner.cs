using System;
using System.IO;
using System.IO.Compression;
using ModelGuard.Engine.Formats.Compression;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Decompresses gzip, zlib, bzip2, xz and .lzma wrappers (joblib picks its compressor by content, attackers wrap
/// pickles to hide them) and scans what comes out. gzip, bzip2 and xz have magic numbers; zlib and .lzma do not, so
/// they are only tried where such a file is plausible and only believed when what comes out is a known format.
/// </summary>
internal static class CompressedContentScanner
{
    /// <summary>Decoded bytes sniffed before believing a zlib or .lzma guess.</summary>
    private const int WeakSniffBytes = ContentSniffer.HeadLength;

    /// <summary>How much of a forward-only stream is kept so a wrong zlib/.lzma guess can be undone.</summary>
    private const int ReplayLimit = 1024 * 1024;

    /// <summary>Scans content with a compression magic number; decoding failures are reported (MG3001).</summary>
    public static void ScanStrong(ScanContext context, Stream compressed, string? member, int depth, ContentFormat format)
    {
        var (label, open) = format switch
        {
            ContentFormat.Gzip => ("gzip", (Func<Stream>)(() => new BoundedReadStream(new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true), context.Options.MaxDecompressedBytes))),
            ContentFormat.Bzip2 => ("bzip2", () => Decompressors.Open(CompressionKind.Bzip2, compressed, context.Options.MaxDecompressedBytes, leaveOpen: true)),
            _ => ("xz", (Func<Stream>)(() => Decompressors.Open(CompressionKind.Xz, compressed, context.Options.MaxDecompressedBytes, leaveOpen: true))),
        };
        using var decoded = new FaultLatchingReadStream(context.Decompression.Charge(open()), IsDataFault);
        var inner = ScanContext.JoinMember(member, "[" + label + "]");
        ContentDispatcher.Scan(context, decoded, inner, depth, pickleExpected: true);
        ReportFault(context, inner, label, decoded);
    }

    /// <summary>
    /// Tries zlib or .lzma on content whose head passes their weak header checks. Returns the stream to go on with
    /// when the guess was wrong (the content rewound), or null when the content was dealt with (decompressed and
    /// scanned, or reported because it could not be read again).
    /// </summary>
    public static Stream? TryScanWeak(ScanContext context, Stream content, ReadOnlySpan<byte> head, string? member, int depth)
    {
        if (!Decompressors.TrySniff(head, out var kind) || kind is not (CompressionKind.Zlib or CompressionKind.LzmaAlone))
        {
            return content;
        }

        var start = content.CanSeek ? content.Position : 0;
        var recorder = content.CanSeek ? null : new RecordingReadStream(content, ReplayLimit);
        var label = kind == CompressionKind.Zlib ? "zlib" : "lzma";
        using var decoded = new FaultLatchingReadStream(context.Decompression.Charge(Decompressors.Open(kind, recorder ?? content, context.Options.MaxDecompressedBytes, leaveOpen: true)), IsDataFault);
        var decodedHead = new byte[WeakSniffBytes];
        var count = decoded.ReadAtMost(decodedHead, decodedHead.Length);
        if (count == 0 || ContentSniffer.Sniff(decodedHead.AsSpan(0, count), null).Format == ContentFormat.Unknown)
        {
            // Not compressed after all (the header test passes for some ordinary binary data): start over.
            return Rewind(context, content, start, recorder, member);
        }

        var inner = ScanContext.JoinMember(member, "[" + label + "]");
        var format = ContentDispatcher.Scan(context, new PrefixedReadStream(decodedHead, count, decoded), inner, depth + 1, pickleExpected: true);
        if (format != ContentFormat.Unknown)
        {
            ReportFault(context, inner, label, decoded);
            return null;
        }

        // What came out was nothing after all (a pickle-looking head that did not decode): treat it as not compressed.
        return Rewind(context, content, start, recorder, member);
    }

    private static void ReportFault(ScanContext context, string member, string label, FaultLatchingReadStream decoded)
    {
        if (decoded.Fault is not { } fault)
        {
            return;
        }

        if (IsOutputLimit(fault))
        {
            context.Report(RuleCatalog.ScanLimitExceeded, member, null, $"the {label} stream expands to more than {context.Options.MaxDecompressedBytes} bytes, the limit for one decompressed stream (ScanOptions.MaxDecompressedBytes); the rest of its content was not verified");
        }
        else
        {
            context.Report(RuleCatalog.UninspectableContent, member, null, $"the {label} stream cannot be decompressed past {decoded.BytesRead} bytes: {fault.Message.TrimEnd('.')}; the rest of its content could not be verified");
        }
    }

    private static bool IsOutputLimit(Exception fault)
        => fault is DecompressionLimitExceededException || (fault is CompressedFormatException { OutputLimitExceeded: true });

    private static bool IsDataFault(Exception ex)
        => ex is CompressedFormatException or NotSupportedException or InvalidDataException or DecompressionLimitExceededException;

    /// <summary>The content from its start again; null (after reporting it) when a forward-only stream cannot be replayed.</summary>
    private static Stream? Rewind(ScanContext context, Stream content, long start, RecordingReadStream? recorder, string? member)
    {
        if (recorder is null)
        {
            content.Position = start;
            return content;
        }

        if (recorder.TryReplay(out var replay))
        {
            return replay;
        }

        context.Report(RuleCatalog.UninspectableContent, member, 0, $"the content looked like a zlib or .lzma stream but was not, and it could not be read a second time (more than {ReplayLimit} bytes); it could not be verified");
        return null;
    }
}
