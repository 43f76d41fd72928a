using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// The analyzer knobs through the real package and a real `dotnet build`: .editorconfig and global configs, NoWarn,
/// WarningsAsErrors, WarningsNotAsErrors, TreatWarningsAsErrors, bulk keys, the allowlist, include/exclude patterns, the SARIF log
/// and the incremental cache. Independent assertions share one build to keep the suite fast.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ConfigurationEndToEndTests
{
    private static readonly byte[] OtherThingPickle = new PickleWriter().Proto(2).Global("other", "Thing").EmptyTuple().NewObj().Stop().ToArray();

    private readonly PackageFixture _fixture;

    public ConfigurationEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task SettingsFollowTheCompilersPrecedence()
    {
        var project = _fixture.CreateProject("precedence")
            // NoWarn beats WarningsAsErrors.
            .SetProperty("NoWarn", "$(NoWarn);MG1003")
            .SetProperty("WarningsAsErrors", "$(WarningsAsErrors);MG1003")
            .SetProperty("ModelGuardErrorLog", "modelguard.sarif")
            .AddFile("None", "broken.pkl", TestPickles.Truncated)
            // Root .editorconfig: MG1002 is a warning for *.pkl ...
            .WriteFile(".editorconfig", "root = true\n\n[*.pkl]\ndotnet_diagnostic.MG1002.severity = warning\n")
            .AddFile("None", "models/custom.pkl", TestPickles.Custom)
            // ... but models/legacy/ has its own .editorconfig that turns it off there only.
            .WriteFile("models/legacy/.editorconfig", "[*.pkl]\ndotnet_diagnostic.MG1002.severity = none\n")
            .AddFile("None", "models/legacy/custom.pkl", TestPickles.Custom)
            // A global config: loses to the .editorconfig entries above, applies where none names MG1002 (*.pickle).
            .WriteFile(".globalconfig", "is_global = true\ndotnet_diagnostic.MG1002.severity = suggestion\n")
            .AddFile("None", "data/custom.pickle", TestPickles.Custom)
            // A category-wide key: applies to MG1001 here, but not to MG1002, which the global config names.
            .WriteFile("bulk/.editorconfig", "[*]\ndotnet_analyzer_diagnostic.category-ModelGuard.Pickle.severity = warning\n")
            .AddFile("None", "bulk/evil.pickle", TestPickles.Evil)
            .AddFile("None", "bulk/custom.pickle", TestPickles.Custom);

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, "Only warnings and messages are expected. " + build.Describe());
        AssertContains(build, "models/custom.pkl : warning MG1002:");
        AssertNoLineMentions(build, "models/legacy/custom.pkl");
        AssertShownAsMessage(build, "data/custom.pickle", "MG1002");
        AssertContains(build, "bulk/evil.pickle : warning MG1001:");
        AssertShownAsMessage(build, "bulk/custom.pickle", "MG1002");
        AssertDoesNotContain(build, "error MG1003");
        AssertDoesNotContain(build, "warning MG1003");
        AssertContains(build, " in 6 file(s) looked at");
        AssertContains(build, ": 0 error(s), 2 warning(s), 2 message(s), 2 hidden or suppressed");

        var sarif = ReadSarif(project, "modelguard.sarif");
        var levels = sarif.Results.ToDictionary(r => Path.GetFileName(new Uri(r.Uri!).LocalPath) + "/" + r.Parent + "/" + r.RuleId, r => r.Level + (r.Suppressed ? " suppressed" : string.Empty));
        Assert.Equal("note", levels["custom.pickle/data/MG1002"]);
        Assert.Equal("error suppressed", levels["custom.pkl/legacy/MG1002"]);
        Assert.Equal("error suppressed", levels["broken.pkl/" + Path.GetFileName(project.Directory) + "/MG1003"]);
    }

    [Fact]
    public async Task TreatWarningsAsErrorsPromotesConfiguredWarningsExceptWarningsNotAsErrors()
    {
        var build = await _fixture.CreateProject("warnaserror")
            .SetProperty("TreatWarningsAsErrors", "true")
            .SetProperty("WarningsNotAsErrors", "$(WarningsNotAsErrors);MG1003")
            .WriteFile(".editorconfig", "root = true\n\n[*.pkl]\ndotnet_diagnostic.MG1002.severity = warning\ndotnet_diagnostic.MG1003.severity = warning\n\n[*.bin]\ndotnet_diagnostic.MG1001.severity = nonee\n")
            .AddFile("None", "custom.pkl", TestPickles.Custom)
            .AddFile("None", "broken.pkl", TestPickles.Truncated)
            .AddFile("None", "evil.bin", TestPickles.Evil)
            .BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "custom.pkl : error MG1002:");
        AssertContains(build, "broken.pkl : warning MG1003:");

        // An invalid severity is reported with its line and ignored, so MG1001 keeps its default: fail closed.
        AssertContains(build, "evil.bin : error MG1001:");
        AssertContains(build, ".editorconfig(8): error MG9003: 'dotnet_diagnostic.MG1001.severity = nonee' is not a severity");
    }

    [Fact]
    public async Task AllowlistClearsTheUsersClassesButNeverADeniedGlobalAndTheSarifLogIsValid()
    {
        var project = _fixture.CreateProject("allowlist")
            .AddItem("""<ModelGuardAllowedGlobal Include="mypkg.layers.Custom" />""")
            .AddItem("""<ModelGuardAllowedGlobal Include="os.system" />""")
            // Not "mypkg.layers.*": in a project file that is an MSBuild wildcard, expanded to the files it matches before any task runs.
            .AddItem("""<ModelGuardAllowedGlobal Include="Custom" />""")
            .SetProperty("ModelGuardErrorLog", "reports/modelguard.sarif")
            .AddFile("None", "custom.pkl", TestPickles.Custom)
            .AddFile("None", "evil.pkl", TestPickles.Evil)
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious())
            .WriteFile("keyed/.editorconfig", "[*.pkl]\nmodelguard_allowed_globals = other.Thing Thing\n")
            .AddFile("None", "keyed/thing.pkl", OtherThingPickle)
            .AddFile("None", "thing.pkl", OtherThingPickle);

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertNoLineMentions(build, "custom.pkl :");
        AssertNoLineMentions(build, "keyed/thing.pkl");
        AssertContains(build, "evil.pkl : error MG1001:");
        AssertContains(build, "models/evil.pt : error MG1001:");
        Assert.Matches(new Regex(@"^\s*thing\.pkl : error MG1002:.*other\.Thing", RegexOptions.Multiline), build.Output);

        // Entries that do nothing are reported where they were written; the denied global stays MG1001 (above).
        var projectFile = Path.GetFileName(project.ProjectPath);
        AssertContains(build, $"{projectFile} : warning MG9007: the allowlist entry 'os.system' (ModelGuardAllowedGlobal item) names a global ModelGuard denies");
        AssertContains(build, $"{projectFile} : warning MG9006: the allowlist entry 'Custom' (ModelGuardAllowedGlobal item) has no module");
        AssertContains(build, "keyed/.editorconfig(2): warning MG9006: the allowlist entry 'Thing' (modelguard_allowed_globals) has no module");

        var sarif = ReadSarif(project, Path.Combine("reports", "modelguard.sarif"));
        Assert.Contains(sarif.Results, r => r.RuleId == "MG1001" && r.Level == "error" && r.Uri!.EndsWith("/evil.pkl", StringComparison.Ordinal));
        var member = Assert.Single(sarif.Results, r => r.RuleId == "MG1001" && r.Uri!.EndsWith("/models/evil.pt", StringComparison.Ordinal));
        Assert.Equal(new Uri(Path.Combine(project.Directory, "models", "evil.pt")).AbsoluteUri, member.Uri);
        Assert.EndsWith("data.pkl", member.ArchiveMember, StringComparison.Ordinal);
        Assert.NotNull(member.ByteOffset);
        Assert.DoesNotContain(sarif.Results, r => r.RuleId == "MG1002" && r.Uri!.EndsWith("/custom.pkl", StringComparison.Ordinal));

        // For code scanning: outside a repository the project folder is the root of relative URIs.
        Assert.Equal("models/evil.pt", member.RelativeUri);
        Assert.Equal("modelguard/Consumer/", sarif.AutomationId);

        // The log is in the project folder, where the SDK lists it as a None item (here an explicit one, which the test projects
        // use instead of the default items): the next build must not scan it.
        project.AddItem("""<None Include="reports/**" />""");
        var second = await project.BuildAsync();
        Assert.True(second.ExitCode != 0, second.Describe());
        AssertContains(build, "ModelGuard: 5 model(s) in 5 file(s) looked at");
        AssertContains(second, "ModelGuard: 5 model(s) in 5 file(s) looked at");
        Assert.DoesNotContain(ReadSarif(project, Path.Combine("reports", "modelguard.sarif")).Results, r => r.Uri!.EndsWith(".sarif", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IncrementalBuildsKeepFailingFromTheCacheAndCleanDeletesIt()
    {
        var project = _fixture.CreateProject("incremental")
            .AddFile("None", "models/evil.pt", TorchCheckpointWriter.Malicious());
        File.SetLastWriteTimeUtc(Path.Combine(project.Directory, "models", "evil.pt"), DateTime.UtcNow.AddHours(-1));
        await CachingDelay.WaitOutRacyWindowAsync();
        var cache = Path.Combine(project.Directory, "obj", "Debug", "net10.0", "modelguard.cache");

        var first = await project.BuildAsync();
        Assert.True(first.ExitCode != 0, first.Describe());
        AssertContains(first, "0 from cache");
        Assert.True(File.Exists(cache), "The cache should be written. " + first.Describe());

        // Nothing changed: the model is not read again, but its finding is reported again and still fails the build.
        var second = await project.BuildAsync();
        Assert.True(second.ExitCode != 0, "An unchanged malicious model must fail every build. " + second.Describe());
        AssertContains(second, "models/evil.pt : error MG1001:");
        AssertContains(second, "1 from cache");

        // A corrupt cache is a rescan, never a pass.
        File.WriteAllText(cache, "garbage");
        var third = await project.BuildAsync();
        Assert.True(third.ExitCode != 0, third.Describe());
        AssertContains(third, "models/evil.pt : error MG1001:");
        AssertContains(third, "0 from cache");
        AssertContains(third, "every file is scanned again");

        // Severities are resolved on every build: configuration changes apply to cached findings.
        project.SetProperty("NoWarn", "$(NoWarn);MG1001");
        var fourth = await project.BuildAsync();
        Assert.True(fourth.ExitCode == 0, fourth.Describe());
        AssertContains(fourth, "1 from cache");
        AssertDoesNotContain(fourth, "error MG1001");

        var clean = await project.CleanAsync();
        Assert.True(clean.ExitCode == 0, clean.Describe());
        Assert.False(File.Exists(cache), "dotnet clean should delete the cache. " + clean.Describe());
    }

    [Fact]
    public async Task ConfigurationEditedBetweenBuildsAppliesToCachedFindings()
    {
        // The task keeps the resolved configuration in its cache; an edit to a configuration file must still apply on the next build.
        var project = _fixture.CreateProject("config-edits")
            .AddFile("None", "models/custom.pkl", TestPickles.Custom);
        File.SetLastWriteTimeUtc(Path.Combine(project.Directory, "models", "custom.pkl"), DateTime.UtcNow.AddHours(-1));
        await CachingDelay.WaitOutRacyWindowAsync();

        var first = await project.BuildAsync();
        Assert.True(first.ExitCode != 0, first.Describe());
        AssertContains(first, "models/custom.pkl : error MG1002:");

        project.WriteFile("models/.editorconfig", "[*.pkl]\ndotnet_diagnostic.MG1002.severity = warning\n");
        var second = await project.BuildAsync();
        Assert.True(second.ExitCode == 0, second.Describe());
        AssertContains(second, "models/custom.pkl : warning MG1002:");
        AssertContains(second, "1 from cache");

        var third = await project.BuildAsync();
        Assert.True(third.ExitCode == 0, third.Describe());
        AssertContains(third, "models/custom.pkl : warning MG1002:");

        project.WriteFile("models/.editorconfig", "[*.pkl]\ndotnet_diagnostic.MG1002.severity = error\n");
        var fourth = await project.BuildAsync();
        Assert.True(fourth.ExitCode != 0, fourth.Describe());
        AssertContains(fourth, "models/custom.pkl : error MG1002:");
        AssertContains(fourth, "1 from cache");

        project.WriteFile(".globalconfig", "is_global = true\nglobal_level = 1000\ndotnet_diagnostic.MG1002.severity = none\n");
        File.Delete(Path.Combine(project.Directory, "models", ".editorconfig"));
        var fifth = await project.BuildAsync();
        Assert.True(fifth.ExitCode == 0, fifth.Describe());
        AssertDoesNotContain(fifth, "MG1002");
    }

    [Fact]
    public async Task IncludeAndExcludePatternsChooseWhatIsScanned()
    {
        var build = await _fixture.CreateProject("patterns")
            .SetProperty("ModelGuardInclude", "models/**;data/*.pkl")
            .SetProperty("ModelGuardExclude", "models/fixtures/**")
            .AddFile("None", "models/evil.pkl", TestPickles.Evil)
            .AddFile("None", "./data/evil.pkl", TestPickles.Evil)
            .AddFile("None", "models/fixtures/evil.pkl", TestPickles.Evil)
            .AddFile("None", "other/evil.pkl", TestPickles.Evil)
            .BuildAsync();

        Assert.True(build.ExitCode != 0, build.Describe());
        AssertContains(build, "models/evil.pkl : error MG1001:");
        AssertContains(build, "data/evil.pkl : error MG1001:");
        AssertNoLineMentions(build, "fixtures/evil.pkl :");
        AssertNoLineMentions(build, "other/evil.pkl :");
        AssertContains(build, " in 2 file(s) looked at");
    }
}
