using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Scans content that is (or may be) pickle data: every stacked stream in it, each import classified by the
/// policy, and a decode failure reported after whatever was found before it.
/// </summary>
internal static class PickleContentScanner
{
    /// <summary>
    /// Scans <paramref name="content"/> from its current position. When <paramref name="needsConfirmation"/> is set
    /// the content counts as a pickle only if its first stream reaches STOP or performs an import; otherwise
    /// nothing is reported and false is returned. <paramref name="baseOffset"/> is the offset of the stream's current
    /// position in the content findings refer to.
    /// </summary>
    public static bool Scan(ScanContext context, Stream content, string? member, bool needsConfirmation, long baseOffset = 0)
    {
        using var session = new PickleStreamSession(content, baseOffset, walkDataStreams: context.Options.WalkDataPickles);
        var streams = 0;
        try
        {
            while (session.Failure is null)
            {
                var simulator = session.RunNext(out var failure);
                if (simulator is null)
                {
                    break;
                }

                var evidence = failure is null || HasImportablePath(simulator.Imports);
                if (!evidence && (streams > 0 || needsConfirmation))
                {
                    // Not pickle data: bytes after the last stream (legacy torch storages follow their pickles), or
                    // content that only looked like a protocol 0 pickle ("class Foo:" reads as GLOBAL). Nothing importable
                    // was named, so nothing could run.
                    break;
                }

                streams++;
                session.Accept(simulator, failure);
            }
        }
        catch (ScanLimitExceededException)
        {
            // The scan of the file stops here (time, decompression budget); what was imported until then is still reported.
            if (session.InFlight is { } partial && (streams > 0 || !needsConfirmation || HasImportablePath(partial.Imports)))
            {
                session.Accept(partial, failure: null);
                streams++;
            }

            if (streams > 0)
            {
                session.Report(context, member);
            }

            throw;
        }

        if (streams == 0)
        {
            return false;
        }

        session.Report(context, member);
        ScanNestedLoads(context, session.NestedLoads, member);
        return true;
    }

    /// <summary>
    /// Scans the bytes of each followed nested load (<c>torch.storage._load_from_bytes</c>) as a torch file with every rule;
    /// its findings name the nested location as <c>member!/torch.storage._load_from_bytes at offset N!/archive/data.pkl</c>.
    /// </summary>
    private static void ScanNestedLoads(ScanContext context, IReadOnlyList<NestedLoad> loads, string? member)
    {
        foreach (var load in loads)
        {
            var nested = ScanContext.JoinMember(member, $"{load.Loader} at offset {load.CallOffset}");
            if (context.NestedLoadDepth >= context.Options.MaxContainerDepth)
            {
                context.Report(
                    RuleCatalog.DangerousImport,
                    member,
                    load.CallOffset,
                    $"loading the file would deserialize another payload, which can run code of its own: it calls {load.Loader} on bytes nested {context.NestedLoadDepth + 1} loads deep, beyond the nesting limit of {context.Options.MaxContainerDepth} (ScanOptions.MaxContainerDepth), so they were not verified");
                continue;
            }

            using (context.EnterNestedLoad())
            using (var content = new MemoryStream(load.Data, writable: false))
            {
                ContentDispatcher.Scan(context, content, nested, context.NestedLoadDepth, pickleExpected: true);
            }
        }
    }

    private static bool HasImportablePath(IReadOnlyList<PickleImport> imports)
    {
        foreach (var import in imports)
        {
            if (!import.IsResolved || (IsDottedIdentifier(import.Module!) && IsDottedIdentifier(import.Name!)))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsDottedIdentifier(string text)
    {
        var start = true;
        foreach (var c in text)
        {
            if (c == '.')
            {
                if (start)
                {
                    return false;
                }

                start = true;
                continue;
            }

            if (!(char.IsLetter(c) || c == '_' || (!start && char.IsDigit(c))))
            {
                return false;
            }

            start = false;
        }

        return !start;
    }
}
