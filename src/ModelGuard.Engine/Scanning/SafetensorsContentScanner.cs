using System;
using System.IO;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.Formats.Safetensors;
using ModelGuard.Engine.IO;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Validates safetensors content: what sniffs as safetensors whatever its name, and by name what sniffs as nothing
/// known (a short or garbled <c>.safetensors</c> file gets its precise MG2xxx error instead of passing). Routes a
/// top-level <c>*.safetensors.index.json</c> to the sharded-index checks.
/// </summary>
internal static class SafetensorsContentScanner
{
    /// <summary>How much of a forward-only stream is kept so it can be read a second time.</summary>
    private const int ReplayLimit = 1024 * 1024;

    private const string Extension = ".safetensors";
    private const string IndexSuffix = ".safetensors.index.json";

    /// <summary>
    /// Content that sniffs as safetensors. When its header is not even JSON and its name does not say safetensors,
    /// it is other binary data that starts like a header (an int64 tensor [5, 123, ...] does) and nothing is reported,
    /// unless it is a pickle posing as safetensors: a first byte that is a pickle opcode gets a pickle trial.
    /// </summary>
    public static ContentFormat ScanSniffed(ScanContext context, Stream content, string? member)
    {
        var start = content.CanSeek ? content.Position : 0;
        long? length = content.CanSeek ? content.Length - start : null;
        var recorder = content.CanSeek ? null : new RecordingReadStream(content, ReplayLimit);
        var validation = SafetensorsValidator.Validate(recorder ?? content, length);
        var expected = HasSafetensorsName(context, member);
        if (validation.IsJsonHeader)
        {
            Report(context, member, validation);
            return ContentFormat.Safetensors;
        }

        var firstByte = FirstByte(content, start, recorder);
        if (firstByte < 0 || !PickleOpcodeNames.IsDefined((byte)firstByte))
        {
            return ReportIf(expected, context, member, validation);
        }

        // The header is not JSON and the content could be a pickle that merely starts like a header (for example
        // BINBYTES swallowing the zero bytes of the length): unpickle-check it before calling it harmless.
        var replay = Rewind(content, start, recorder);
        if (replay is null)
        {
            // Cannot read it a second time to rule a pickle out: report the safetensors problem whatever the name.
            return ReportIf(true, context, member, validation);
        }

        if (PickleContentScanner.Scan(context, replay, member, needsConfirmation: true))
        {
            if (expected)
            {
                Report(context, member, validation);
            }

            return ContentFormat.Pickle;
        }

        return ReportIf(expected, context, member, validation);
    }

    /// <summary>
    /// Content that sniffed as no known format (or a pickle the decoder did not confirm): validated as safetensors when
    /// its name ends with <c>.safetensors</c>, as a sharded index when it is a top-level <c>*.safetensors.index.json</c>.
    /// <paramref name="content"/> must be at the start of the content.
    /// </summary>
    public static ContentFormat ScanByName(ScanContext context, Stream content, string? member)
    {
        long? length = content.CanSeek ? content.Length - content.Position : null;
        if (HasIndexName(context, member))
        {
            var directory = context.PhysicalPath is { } physical ? Path.GetDirectoryName(physical) : null;
            foreach (var issue in SafetensorsIndexValidator.Validate(content, length, directory))
            {
                context.Report(issue.Rule, member, issue.Offset, issue.Message);
            }

            return ContentFormat.Unknown;
        }

        if (HasSafetensorsName(context, member))
        {
            Report(context, member, SafetensorsValidator.Validate(content, length));
            return ContentFormat.Safetensors;
        }

        return ContentFormat.Unknown;
    }

    /// <summary>
    /// Before a pickle trial that may fail: a forward-only stream that <see cref="ScanByName"/> may need afterwards is
    /// wrapped so it can be replayed.
    /// </summary>
    public static Stream BeforeTrial(ScanContext context, Stream content, string? member)
        => !content.CanSeek && ValidatedByName(context, member) ? new RecordingReadStream(content, ReplayLimit) : content;

    /// <summary>
    /// After a pickle trial that did not confirm a pickle: validates the content by name, from its start again.
    /// </summary>
    public static ContentFormat AfterFailedTrial(ScanContext context, Stream content, long start, Stream trial, string? member)
    {
        if (!ValidatedByName(context, member))
        {
            return ContentFormat.Unknown;
        }

        var replay = Rewind(content, start, trial as RecordingReadStream);
        if (replay is null)
        {
            context.Report(
                Rules.RuleCatalog.UninspectableContent,
                member,
                null,
                "the content is named like a safetensors or ONNX file but is not a pickle, and it could not be read a second time to validate it as what its name says");
            return ContentFormat.Unknown;
        }

        return OnnxContentScanner.ScanByName(context, replay, member) ?? ScanByName(context, replay, member);
    }

    /// <summary>Names whose content is validated as that format even when it sniffs as nothing known (or an unconfirmed pickle).</summary>
    private static bool ValidatedByName(ScanContext context, string? member)
        => HasSafetensorsName(context, member) || HasIndexName(context, member) || OnnxContentScanner.IsValidatedByName(context, member);

    private static bool HasSafetensorsName(ScanContext context, string? member)
        => (member ?? context.FilePath).EndsWith(Extension, StringComparison.OrdinalIgnoreCase);

    private static bool HasIndexName(ScanContext context, string? member)
        => member is null && context.FilePath.EndsWith(IndexSuffix, StringComparison.OrdinalIgnoreCase);

    private static Stream? Rewind(Stream content, long start, RecordingReadStream? recorder)
    {
        if (recorder is null)
        {
            content.Position = start;
            return content;
        }

        return recorder.TryReplay(out var replay) ? replay : null;
    }

    private static int FirstByte(Stream content, long start, RecordingReadStream? recorder)
    {
        if (recorder is not null)
        {
            return recorder.FirstByte;
        }

        content.Position = start;
        var first = content.ReadByte();
        content.Position = start;
        return first;
    }

    private static ContentFormat ReportIf(bool report, ScanContext context, string? member, SafetensorsValidation validation)
    {
        if (!report)
        {
            return ContentFormat.Unknown;
        }

        Report(context, member, validation);
        return ContentFormat.Safetensors;
    }

    private static void Report(ScanContext context, string? member, SafetensorsValidation validation)
    {
        foreach (var issue in validation.Issues)
        {
            context.Report(issue.Rule, member, issue.Offset, issue.Message);
        }
    }
}
