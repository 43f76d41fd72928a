using System;
using System.IO;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>Sniffs content and hands it to the reader for its format. Containers call back in for their members.</summary>
internal static class ContentDispatcher
{
    private static readonly string[] WeakCompressionNames = { ".joblib", ".pkl", ".pickle", ".z", ".zlib", ".lzma", ".pt", ".pth", ".bin", ".sav" };

    /// <summary>Scans the whole content of a file (seekable, positioned at its start).</summary>
    public static ContentFormat ScanSeekable(ScanContext context, Stream content, string? member, int depth)
    {
        var start = content.Position;
        var format = Scan(context, content, member, depth, pickleExpected: true);
        // A zip can hide behind other content; safetensors and GGUF are exempt: their layout must cover the file exactly
        // (MG2011, MG6016), so anything appended is reported there, and the tail read would cost every large model file 64 KiB.
        if (format is not (ContentFormat.Zip or ContentFormat.Safetensors or ContentFormat.Gguf))
        {
            content.Position = start;
            AppendedArchive.Scan(context, content, member, depth);
        }

        return format;
    }

    /// <summary>
    /// Scans content from its current position. <paramref name="pickleExpected"/> says whether a stream with a
    /// pickle protocol header must be a pickle (a file, a member named like one) or may be other binary data that
    /// happens to start with those bytes (a tensor storage), in which case a decode failure with no import is not reported.
    /// </summary>
    public static ContentFormat Scan(ScanContext context, Stream content, string? member, int depth, bool pickleExpected)
    {
        var head = new byte[ContentSniffer.HeadLength];
        var start = content.CanSeek ? content.Position : 0;
        var count = content.ReadAtMost(head, head.Length);
        Stream replay;
        long? length = null;
        if (content.CanSeek)
        {
            length = content.Length - start;
            content.Position = start;
            replay = content;
        }
        else
        {
            replay = new PrefixedReadStream(head, count, content);
        }

        var sniff = ContentSniffer.Sniff(head.AsSpan(0, count), length);
        ContentFormat format;
        try
        {
            format = ScanSniffed(context, replay, member, depth, pickleExpected, sniff, head.AsSpan(0, count));
        }
        catch (ScanLimitExceededException ex) when (!ex.MemberKnown)
        {
            // The innermost content that was being scanned names where the limit was reached.
            ex.Member = member;
            ex.MemberKnown = true;
            throw;
        }

        if (format == ContentFormat.Unknown && content.CanSeek)
        {
            // Also after a pickle trial that failed: Python source often starts with opcode letters ("import", "class").
            content.Position = start;
            ModelCodeScanner.Scan(context, content, member, head.AsSpan(0, count));
        }

        FileNameChecks.Check(context, member, format);
        return format;
    }

    private static ContentFormat ScanSniffed(ScanContext context, Stream replay, string? member, int depth, bool pickleExpected, SniffResult sniff, ReadOnlySpan<byte> head)
    {
        if ((sniff.Format == ContentFormat.Unknown || sniff.NeedsConfirmation) && MayBeWeaklyCompressed(context, member, depth))
        {
            var rest = CompressedContentScanner.TryScanWeak(context, replay, head, member, depth);
            if (rest is null)
            {
                return ContentFormat.ZlibOrLzma;
            }

            replay = rest;
        }

        switch (sniff.Format)
        {
            case ContentFormat.Pickle:
                var trialStart = replay.CanSeek ? replay.Position : 0;
                var trial = SafetensorsContentScanner.BeforeTrial(context, replay, member);
                if (PickleContentScanner.Scan(context, trial, member, sniff.NeedsConfirmation || !pickleExpected))
                {
                    return ContentFormat.Pickle;
                }

                return GgufContentScanner.TryScanByNameAfterFailedTrial(context, replay, trialStart, member)
                    ? ContentFormat.Gguf
                    : SafetensorsContentScanner.AfterFailedTrial(context, replay, trialStart, trial, member);

            case ContentFormat.Safetensors:
                return SafetensorsContentScanner.ScanSniffed(context, replay, member);

            case ContentFormat.Gguf:
                return GgufContentScanner.Scan(context, replay, member);

            case ContentFormat.Unknown:
                var recognised = UnverifiedFormatScanner.ScanByNameAndContent(context, head, member);
                if (recognised != ContentFormat.Unknown)
                {
                    return recognised;
                }

                if (GgufContentScanner.TryScanByName(context, replay, member))
                {
                    return ContentFormat.Gguf;
                }

                return OnnxContentScanner.ScanByName(context, replay, member) ?? SafetensorsContentScanner.ScanByName(context, replay, member);

            case ContentFormat.Onnx:
                return OnnxContentScanner.Scan(context, replay, member);

            case ContentFormat.Hdf5:
                UnverifiedFormatScanner.ScanHdf5(context, replay, member);
                break;

            case ContentFormat.TfLite:
                UnverifiedFormatScanner.ScanTfLite(context, member);
                break;

            case ContentFormat.Zip:
                if (!EnterContainer(context, member, depth, "zip archive"))
                {
                    break;
                }

                if (!replay.CanSeek)
                {
                    context.Report(RuleCatalog.UninspectableContent, member, null, "a compressed zip archive nested inside another container is not inspected by this version; it could not be verified");
                    break;
                }

                ZipContainerScanner.Scan(context, replay, member, depth + 1);
                break;

            case ContentFormat.Gzip:
            case ContentFormat.Bzip2:
            case ContentFormat.Xz:
                if (EnterContainer(context, member, depth, Describe(sniff.Format)))
                {
                    CompressedContentScanner.ScanStrong(context, replay, member, depth + 1, sniff.Format);
                }

                break;

            case ContentFormat.Tar:
                if (EnterContainer(context, member, depth, "tar archive"))
                {
                    TarContainerScanner.Scan(context, replay, member, depth + 1);
                }

                break;

            case ContentFormat.Numpy:
                NumpyContentScanner.Scan(context, replay, member);
                break;

            case ContentFormat.SevenZip:
                context.Report(RuleCatalog.UninspectableContent, member, 0, $"the content is a {Describe(sniff.Format)}, which this version does not decompress; what it contains could not be verified");
                break;
        }

        return sniff.Format;
    }

    /// <summary>
    /// zlib and .lzma have no magic number, so they are tried only on a file itself (joblib dumps, .pkl.z) and on
    /// members named like compressed pickles, never on every tensor storage of an archive.
    /// </summary>
    private static bool MayBeWeaklyCompressed(ScanContext context, string? member, int depth)
    {
        if (depth == 0 && member is null)
        {
            return true;
        }

        var name = member ?? context.FilePath;
        foreach (var extension in WeakCompressionNames)
        {
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static bool EnterContainer(ScanContext context, string? member, int depth, string what)
    {
        if (depth < context.Options.MaxContainerDepth)
        {
            return true;
        }

        context.Report(RuleCatalog.ScanLimitExceeded, member, null, $"a {what} nested {depth} containers deep exceeds the nesting limit of {context.Options.MaxContainerDepth} (ScanOptions.MaxContainerDepth); its content was not verified");
        return false;
    }

    private static string Describe(ContentFormat format) => format switch
    {
        ContentFormat.SevenZip => "7z archive",
        ContentFormat.Gzip => "gzip stream",
        ContentFormat.Bzip2 => "bzip2 stream",
        ContentFormat.Xz => "xz stream",
        _ => format.ToString(),
    };
}
