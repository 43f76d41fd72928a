using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Policy;
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
    /// nothing is reported and false is returned.
    /// </summary>
    public static bool Scan(ScanContext context, Stream content, string? member, bool needsConfirmation)
    {
        using var reader = new BufferedByteReader(content);
        var disassembler = new PickleDisassembler(reader);
        var extensions = new ExtensionRegistry();
        var imports = new List<PickleImport>();
        PickleFormatException? failure = null;
        var streams = 0;
        while (true)
        {
            var simulator = new PickleSimulator(extensions);
            try
            {
                if (!simulator.Run(disassembler))
                {
                    break;
                }
            }
            catch (PickleFormatException ex)
            {
                failure = ex;
            }

            var evidence = failure is null || HasImportablePath(simulator.Imports);
            if (!evidence && (streams > 0 || needsConfirmation))
            {
                // Not pickle data: bytes after the last stream (legacy torch storages follow their pickles), or
                // content that only looked like a protocol 0 pickle. Nothing was imported, so nothing could run.
                failure = null;
                break;
            }

            streams++;
            imports.AddRange(simulator.Imports);
            if (failure is not null)
            {
                break;
            }
        }

        if (streams == 0)
        {
            return false;
        }

        ReportImports(context, member, imports);
        if (failure is not null)
        {
            context.Report(
                RuleCatalog.PickleDecodeFailure,
                member,
                failure.Offset,
                $"the pickle cannot be decoded past this point: {failure.Message}. The unpickler runs every opcode before a failure, so the rest of the stream could not be verified");
        }

        return true;
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

    private static void ReportImports(ScanContext context, string? member, List<PickleImport> imports)
    {
        // One finding per distinct target; the first import locates it, the uses of all of them are merged.
        var groups = new Dictionary<string, ImportGroup>();
        var order = new List<ImportGroup>();
        foreach (var import in imports)
        {
            var key = import.IsResolved ? import.Module + "\n" + import.Name : "\u0001" + import.Offset.ToString(CultureInfo.InvariantCulture);
            if (!groups.TryGetValue(key, out var group))
            {
                group = new ImportGroup(import);
                groups.Add(key, group);
                order.Add(group);
            }

            group.Add(import);
        }

        foreach (var group in order)
        {
            var first = group.First;
            if (!first.IsResolved)
            {
                context.Report(RuleCatalog.UnknownImport, member, first.Offset, $"imports a global that cannot be verified: {first.UnresolvedReason}; {group.DescribeUse()}");
                continue;
            }

            var verdict = context.InTorchScript && IsTorchScriptClass(first.Module!)
                ? new GlobalVerdict(GlobalVerdictKind.Allowed)
                : GlobalPolicy.Classify(first.Module!, first.Name!, context.Options);
            var subject = $"imports {first.Module}.{first.Name}{WrittenAs(first)} with {PickleOpcodeNames.Of(first.Opcode)}{group.DescribeCount()}";
            switch (verdict.Kind)
            {
                case GlobalVerdictKind.Dangerous:
                    context.Report(RuleCatalog.DangerousImport, member, first.Offset, $"{subject}, which {verdict.Danger}; {group.DescribeUse()}");
                    break;
                case GlobalVerdictKind.NotAllowed:
                    context.Report(RuleCatalog.UnknownImport, member, first.Offset, $"{subject}, which is not on the allowlist of globals model files use; {group.DescribeUse()}");
                    break;
            }
        }
    }

    /// <summary>torch.jit.load resolves <c>__torch__.*</c> to classes compiled from the archive's code (reported as MG1004), not to Python modules.</summary>
    private static bool IsTorchScriptClass(string module)
        => module == "__torch__" || module.StartsWith("__torch__.", System.StringComparison.Ordinal);

    private static string WrittenAs(PickleImport import) => import.WrittenAs is null ? string.Empty : $" (written as {import.WrittenAs}, remapped from Python 2)";

    private sealed class ImportGroup
    {
        private int _count;
        private ImportUse _uses;
        private PickleOpcode? _calledBy;
        private long? _calledAt;

        public ImportGroup(PickleImport first) => First = first;

        public PickleImport First { get; }

        public void Add(PickleImport import)
        {
            _count++;
            _uses |= import.Uses;
            if (_calledBy is null && import.CalledBy is not null)
            {
                _calledBy = import.CalledBy;
                _calledAt = import.CalledAt;
            }
        }

        public string DescribeCount() => _count > 1 ? $" ({_count} times)" : string.Empty;

        public string DescribeUse()
        {
            if (_calledBy is { } by)
            {
                var how = by is PickleOpcode.Build or PickleOpcode.Append or PickleOpcode.Appends or PickleOpcode.SetItem or PickleOpcode.SetItems or PickleOpcode.AddItems
                    ? "its methods are invoked by"
                    : "it is called by";
                return $"{how} {PickleOpcodeNames.Of(by)} at offset {_calledAt}";
            }

            return (_uses & ImportUse.Argument) != 0
                ? "it is passed as an argument to a call"
                : "it is only referenced, but importing it already runs its module's code";
        }
    }
}
