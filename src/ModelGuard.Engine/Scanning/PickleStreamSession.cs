using System.Collections.Generic;
using System.Globalization;
using System.IO;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Policy;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// Decodes consecutive pickle streams from one content, sharing copyreg's extension registry as one loading process
/// does, and reports their imports (classified by the policy) and the first decode failure.
/// </summary>
internal sealed class PickleStreamSession : System.IDisposable
{
    private readonly BufferedByteReader _reader;
    private readonly ExtensionRegistry _extensions = new();
    private readonly List<PickleImport> _imports = new();
    private readonly List<SteeredCall> _steeredCalls = new();
    private readonly List<NestedLoad> _nestedLoads = new();
    private readonly DataPickleWalker? _walker;

    /// <summary>
    /// <paramref name="walkDataStreams"/>: try <see cref="DataPickleWalker"/> on each stream first (seekable content only, as
    /// an undecided walk reads the stream again). A stream it finishes comes back from <see cref="RunNext"/> as a simulator
    /// that ran nothing, so its <see cref="PickleSimulator.Result"/> is unknown: callers that read results pass false.
    /// </summary>
    public PickleStreamSession(Stream content, long baseOffset, bool walkDataStreams)
    {
        _reader = new BufferedByteReader(content, baseOffset);
        Disassembler = new PickleDisassembler(_reader);
        if (walkDataStreams && Disassembler.CanRestore)
        {
            _walker = new DataPickleWalker();
        }
    }

    public PickleDisassembler Disassembler { get; }

    /// <summary>The first failure accepted; decoding stops there, as the unpickler does.</summary>
    public PickleFormatException? Failure { get; private set; }

    /// <summary>
    /// The stream being run when <see cref="RunNext"/> did not return (a scan limit was reached inside it): its imports so far
    /// can still be reported.
    /// </summary>
    public PickleSimulator? InFlight { get; private set; }

    /// <summary>Runs the next stream; null at the clean end of the data. A decode failure comes back in <paramref name="failure"/>.</summary>
    public PickleSimulator? RunNext(out PickleFormatException? failure)
    {
        var simulator = new PickleSimulator(_extensions);
        failure = null;
        if (_walker is not null)
        {
            // Plain data cannot import or call anything: when the walk vouches for the whole stream there is nothing to
            // simulate. Otherwise the simulator decodes the stream again from its start.
            var start = Disassembler.Save();
            if (_walker.TryWalk(Disassembler))
            {
                return simulator;
            }

            Disassembler.Restore(start);
        }

        InFlight = simulator;
        try
        {
            if (!simulator.Run(Disassembler))
            {
                InFlight = null;
                return null;
            }
        }
        catch (PickleFormatException ex)
        {
            failure = ex;
        }

        InFlight = null;
        return simulator;
    }

    /// <summary>Keeps a stream's imports and its failure for the report.</summary>
    public void Accept(PickleSimulator simulator, PickleFormatException? failure)
    {
        _imports.AddRange(simulator.Imports);
        _steeredCalls.AddRange(simulator.SteeredCalls);
        _nestedLoads.AddRange(simulator.NestedLoads);
        Failure ??= failure;
    }

    /// <summary>Records a failure found outside the pickle opcodes (a layout around the streams that cannot be followed).</summary>
    public void Fail(long offset, string reason) => Failure ??= new PickleFormatException(offset, reason);

    /// <summary>The nested loads of bytes found in the streams, for the caller to scan as content of their own.</summary>
    public IReadOnlyList<NestedLoad> NestedLoads => _nestedLoads;

    public void Report(ScanContext context, string? member)
    {
        ReportImports(context, member, _imports);
        foreach (var steered in _steeredCalls)
        {
            context.Report(RuleCatalog.DangerousImport, member, steered.Offset, $"loading the file would run code through an allowed helper: it {steered.Message}");
        }

        if (Failure is { } failure)
        {
            context.Report(
                RuleCatalog.PickleDecodeFailure,
                member,
                failure.Offset,
                $"the pickle cannot be decoded past this point: {failure.Message}. The unpickler runs every opcode before a failure, so the rest of the stream could not be verified");
        }
    }

    public void Dispose() => _reader.Dispose();

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
            if (group.OnlyFollowed)
            {
                // Every call was followed (an attribute lookup classified on its own, a nested load scanned as content).
                continue;
            }

            if (!first.IsResolved)
            {
                context.Report(RuleCatalog.UnknownImport, member, first.Offset, $"imports a global that cannot be verified: {first.UnresolvedReason}; {group.DescribeUse()}");
                continue;
            }

            var verdict = context.InTorchScript && IsTorchScriptClass(first.Module!)
                ? new GlobalVerdict(GlobalVerdictKind.Allowed)
                : GlobalPolicy.Classify(first.Module!, first.Name!, context.Options);
            var subject = $"{first.Module}.{first.Name}{WrittenAs(first)} ({How(first)}{group.DescribeCount(", {0} times")})";
            switch (verdict.Kind)
            {
                case GlobalVerdictKind.Dangerous:
                    context.Report(RuleCatalog.DangerousImport, member, first.Offset, $"loading the file {group.DescribeEffect()} {verdict.Danger}: it {group.DescribeAction(subject)}");
                    break;
                case GlobalVerdictKind.NotAllowed:
                    context.Report(RuleCatalog.UnknownImport, member, first.Offset, $"imports {first.Module}.{first.Name}{WrittenAs(first)} {(first.ReachedThrough is { } through ? "(reached with " + through + ")" : "with " + PickleOpcodeNames.Of(first.Opcode))}{group.DescribeCount(" ({0} times)")}, which is not on the allowlist of globals model files use; {group.DescribeUse()}");
                    break;
            }
        }
    }

    private static string How(PickleImport import)
        => import.ReachedThrough is { } through ? "reached with " + through : "imported with " + PickleOpcodeNames.Of(import.Opcode);

    /// <summary>torch.jit.load resolves <c>__torch__.*</c> to classes compiled from the archive's code (reported as MG1004), not to Python modules.</summary>
    private static bool IsTorchScriptClass(string module)
        => module == "__torch__" || module.StartsWith("__torch__.", System.StringComparison.Ordinal);

    private static string WrittenAs(PickleImport import) => import.WrittenAs is null ? string.Empty : $" (written as {import.WrittenAs}, remapped from Python 2)";

    private sealed class ImportGroup
    {
        private int _count;
        private ImportUse _uses;
        private bool _onlyFollowed = true;
        private PickleOpcode? _calledBy;
        private long? _calledAt;

        public ImportGroup(PickleImport first) => First = first;

        public PickleImport First { get; }

        public void Add(PickleImport import)
        {
            _count++;
            _uses |= import.Uses;
            _onlyFollowed &= import.Uses == ImportUse.Referenced && import.FollowedCalls > 0;
            if (_calledBy is null && import.CalledBy is not null)
            {
                _calledBy = import.CalledBy;
                _calledAt = import.CalledAt;
            }
        }

        /// <summary>Every use of the target was a call the analysis followed (see <see cref="PickleImport.FollowedCalls"/>).</summary>
        public bool OnlyFollowed => _onlyFollowed;

        public string DescribeCount(string format) => _count > 1 ? string.Format(CultureInfo.InvariantCulture, format, _count) : string.Empty;

        /// <summary>Whether the effect happens while loading (the target is called) or is handed to code that may call it.</summary>
        public string DescribeEffect() => _calledBy is not null ? "would" : "could";

        /// <summary>What the file does with the target, completing "it ...".</summary>
        public string DescribeAction(string subject)
        {
            if (_calledBy is { } by)
            {
                return IsMethodCall(by)
                    ? $"invokes methods of {subject} with {PickleOpcodeNames.Of(by)} at offset {_calledAt}"
                    : $"calls {subject} with {PickleOpcodeNames.Of(by)} at offset {_calledAt}";
            }

            return (_uses & ImportUse.Argument) != 0
                ? $"passes {subject} into another call, which can call it"
                : $"imports {subject}, which runs its module's code, and hands it to the code that loads the file";
        }

        public string DescribeUse()
        {
            if (_calledBy is { } by)
            {
                var how = IsMethodCall(by) ? "its methods are invoked by" : "it is called by";
                return $"{how} {PickleOpcodeNames.Of(by)} at offset {_calledAt}";
            }

            return (_uses & ImportUse.Argument) != 0
                ? "it is passed as an argument to a call"
                : "it is only referenced, but importing it already runs its module's code";
        }

        private static bool IsMethodCall(PickleOpcode by)
            => by is PickleOpcode.Build or PickleOpcode.Append or PickleOpcode.Appends or PickleOpcode.SetItem or PickleOpcode.SetItems or PickleOpcode.AddItems;
    }
}
