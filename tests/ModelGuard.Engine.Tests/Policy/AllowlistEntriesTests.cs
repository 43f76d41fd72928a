using System.Linq;
using ModelGuard.Engine.Policy;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Policy;

/// <summary>MG9006/MG9007: allowlist entries that do nothing are found, and every entry that can work passes.</summary>
public sealed class AllowlistEntriesTests
{
    [Theory]
    [InlineData("mypkg.layers.*")]
    [InlineData("mypkg.*.Custom")]
    [InlineData("mypkg.layers.Cust?m")]
    [InlineData("mypkg.layers.[Cc]ustom")]
    [InlineData("Custom")]
    [InlineData("mypkg.layers:Custom")]
    [InlineData("mypkg/layers.Custom")]
    [InlineData("mypkg..Custom")]
    [InlineData(".Custom")]
    [InlineData("mypkg.")]
    [InlineData("mypkg.2layers.Custom")]
    [InlineData("mypkg.layers.Custom()")]
    public void Entries_no_global_can_match_are_found(string entry)
    {
        var problem = AllowlistEntries.Check(entry);

        Assert.NotNull(problem);
        Assert.Equal(AllowlistEntryProblemKind.NeverMatches, problem!.Kind);

        // What the message claims: the entry allows nothing the policy would otherwise refuse.
        var options = new ScanOptions { AllowedGlobals = new[] { entry } };
        Assert.Equal(GlobalVerdictKind.NotAllowed, GlobalPolicy.Classify("mypkg.layers", "Custom", options).Kind);
    }

    [Theory]
    [InlineData("builtins.exec", "builtins", "exec")]
    [InlineData("os.system", "os", "system")]
    [InlineData("posix.system", "posix", "system")]
    [InlineData("subprocess.Popen", "subprocess", "Popen")]
    [InlineData("os.path.join", "os.path", "join")]
    [InlineData("torch.serialization.load", "torch.serialization", "load")]
    [InlineData("pathlib.PosixPath.write_text", "pathlib", "PosixPath.write_text")]
    [InlineData("mypkg.Layer.__reduce__", "mypkg", "Layer.__reduce__")]
    public void Entries_for_denied_globals_are_found_and_stay_denied(string entry, string module, string name)
    {
        var problem = AllowlistEntries.Check(entry);

        Assert.NotNull(problem);
        Assert.Equal(AllowlistEntryProblemKind.Denied, problem!.Kind);
        Assert.Contains("stays MG1001", problem.Reason, System.StringComparison.Ordinal);
        var options = new ScanOptions { AllowedGlobals = new[] { entry } };
        Assert.Equal(GlobalVerdictKind.Dangerous, GlobalPolicy.Classify(module, name, options).Kind);
    }

    [Theory]
    [InlineData("mypkg.layers.Custom")]
    [InlineData("  mypkg.layers.Custom  ")]
    [InlineData("_private._Thing")]
    [InlineData("paket.Größe")]
    [InlineData("torch.serialization._get_layout")] // on the curated allowlist inside a denied module
    [InlineData("mypkg.Outer.Inner")]
    public void Entries_that_can_allow_a_global_pass(string entry)
    {
        Assert.Null(AllowlistEntries.Check(entry));
    }

    [Fact]
    public void Every_entry_of_the_curated_allowlist_and_the_profiles_passes()
    {
        // The shipped lists are exactly what a user would write for the same classes: none may be flagged.
        var names = PolicyList.LoadEmbedded("ModelGuard.Engine.Policy.AllowedGlobals.txt").Names
            .Concat(AllowProfiles.Names.SelectMany(p => AllowProfiles.Get(p).Names))
            .ToList();
        Assert.True(names.Count > 500, $"only {names.Count} entries were read");
        var flagged = names.Where(n => AllowlistEntries.Check(n) is not null).Select(n => n + ": " + AllowlistEntries.Check(n)!.Reason).ToList();
        Assert.True(flagged.Count == 0, string.Join("\n", flagged));
    }
}
