using System;
using System.IO;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Scanning;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Inputs that crashed or hung the scanner (Fixtures/regressions/), each now a finding. Found while hardening the parsers
/// for hostile input (issue #7); the fuzzing campaign (tests/ModelGuard.Fuzzing.Tests) adds every crash it finds here.
/// </summary>
public sealed class RegressionTests
{
    private static readonly string Regressions = Path.Combine(AppContext.BaseDirectory, "Fixtures", "regressions");

    /// <summary>
    /// os.system called with an argument tuple nested 100,000 deep (TUPLE1 repeated, 2 bytes a level). Marking the imports
    /// inside call arguments recursed once per level: a StackOverflowException, which no catch can handle, killed the build.
    /// </summary>
    [Fact]
    public void Deeply_nested_argument_tuples_do_not_overflow_the_stack()
    {
        var result = Scan("deep_tuple_arguments.pkl");
        Assert.Contains("with REDUCE at offset", result.Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// os.system called with 80 levels of (x, x) tuples built by DUP and TUPLE2 (170 bytes): each level shares the one below,
    /// so walking the tuples as a tree visited 2^80 nodes and the scan never ended.
    /// </summary>
    [Fact]
    public void Argument_tuples_that_share_items_are_walked_once()
    {
        var clock = ThreadCpuClock.Start();
        var result = Scan("shared_tuple_arguments.pkl");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed} of CPU time");
        Assert.Contains(", 2 times)", result.Single(RuleIds.DangerousImport).Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// 20,000 joblib object arrays, each holding the next as its nested pickle (gzip-compressed here: 2 MB of pickle). joblib
    /// unpickles each nested pickle from inside the BUILD of the one before; following them recursed once per level and
    /// overflowed the stack. Nesting is now limited to <see cref="Formats.Pickle.PickleSimulator.MaxNestedPickles"/>.
    /// </summary>
    [Fact]
    public void Joblib_object_arrays_nested_20000_deep_stop_at_the_nesting_limit()
    {
        var finding = Scan("nested_object_arrays.joblib.gz").Single(RuleIds.PickleDecodeFailure);
        Assert.Equal("[gzip]", finding.ArchiveMember);
        Assert.Contains("nest more than 32 pickles deep", finding.Message, StringComparison.Ordinal);
    }

    private static ScanResult Scan(string name)
    {
        var path = Path.Combine(Regressions, name);
        var result = new ModelScanner().ScanFile(path, name);
        Assert.DoesNotContain(result.Findings, f => f.Rule.Id is RuleIds.InternalError or RuleIds.ScanTimeLimitExceeded);
        return result;
    }
}
