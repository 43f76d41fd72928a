using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelGuard.Cli;
using ModelGuard.Engine.Scanning;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>`modelguard`, run in process against a temporary folder: arguments, formats, configuration and exit codes.</summary>
public sealed class CliTests : IDisposable
{

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-cli-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public CliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData("check x")]
    [InlineData("scan")]
    [InlineData("scan x --format xml")]
    [InlineData("scan x --format")]
    [InlineData("scan --bogus")]
    [InlineData("scan x --fail-on critical")]
    [InlineData("scan x --max-scan-time soon")]
    [InlineData("scan x --help-link-base not-a-uri")]
    [InlineData("scan x --allowlist missing-allowlist.txt")]
    [InlineData("scan x --allow-profile torch")]
    [InlineData("scan x --allow-profile")]
    [InlineData("scan x --allow-profile pandas,bogus")]
    [InlineData("scan x --allow-native-library")]
    public void UsageErrorsExitWith2(string commandLine)
    {
        var (code, stdout, stderr) = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("modelguard: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpVersionAndScanHelp()
    {
        var (code, stdout, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("Usage: modelguard scan", stdout, StringComparison.Ordinal);

        (code, stdout, _) = Run("scan", "--help");
        Assert.Equal(0, code);
        Assert.Contains("Examples:", stdout, StringComparison.Ordinal);
        Assert.Contains("--fail-on <error|warning|note>", stdout, StringComparison.Ordinal);
        Assert.Contains("--allow-native-library <name>", stdout, StringComparison.Ordinal);

        (code, stdout, _) = Run("--version");
        Assert.Equal(0, code);
        Assert.Equal(EngineInfo.Version, stdout.Trim());
    }

    [Fact]
    public void CleanFolderExitsWith0()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "nested", ".hidden"));
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "not a model");
        File.WriteAllBytes(Path.Combine(_dir, "nested", ".hidden", "good.pt"), TorchCheckpointWriter.Benign());

        var (code, stdout, stderr) = Run("scan", ".", "--format", "text");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("ModelGuard: 1 model(s) in 2 file(s) looked at (", stdout, StringComparison.Ordinal);
        Assert.Contains(": 0 error(s), 0 warning(s)", stdout, StringComparison.Ordinal);
        Assert.Empty(stderr); // Not a terminal: no progress.
    }

    [Fact]
    public void MissingFileIsAnErrorWithTheBuildFormat()
    {
        var (code, stdout, _) = Run("scan", "missing.pt");

        Assert.Equal(1, code);
        Assert.Contains(
            "missing.pt : error MG9002: the file does not exist [https://github.com/modelguard/modelguard/blob/main/docs/rules/MG9002.md]",
            stdout,
            StringComparison.Ordinal);
    }

    [Fact]
    public void MaliciousCheckpointInEveryFormat()
    {
        WriteEvilAndGood();

        var (code, text, _) = Run("scan", "models");
        Assert.True(code == 1, text);
        Assert.Contains($"{Path.Combine("models", "evil.pt")} : error MG1001:", text, StringComparison.Ordinal);

        (code, var github, _) = Run("scan", "models", "--format", "github");
        Assert.Equal(1, code);
        var annotation = Assert.Single(github.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("::error file=models/evil.pt,title=MG1001::MG1001: in 'archive/data.pkl' at offset ", annotation, StringComparison.Ordinal);

        (code, var json, var stderr) = Run("scan", "models", "--format", "json");
        Assert.Equal(1, code);
        Assert.Contains("ModelGuard: 2 model(s) in 2 file(s) looked at", stderr, StringComparison.Ordinal);
        using (var document = JsonDocument.Parse(json))
        {
            var root = document.RootElement;
            Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
            Assert.Equal(2, root.GetProperty("summary").GetProperty("files").GetInt32());
            Assert.Equal(2, root.GetProperty("summary").GetProperty("models").GetInt32());
            var finding = Assert.Single(root.GetProperty("findings").EnumerateArray().ToList());
            Assert.Equal(Path.Combine("models", "evil.pt"), finding.GetProperty("file").GetString());
            Assert.Equal(Path.Combine(_dir, "models", "evil.pt"), finding.GetProperty("fullPath").GetString());
            Assert.Equal("archive/data.pkl", finding.GetProperty("archiveMember").GetString());
            Assert.True(finding.GetProperty("offset").GetInt64() > 0);
            Assert.Equal("MG1001", finding.GetProperty("rule").GetString());
            Assert.Equal("error", finding.GetProperty("severity").GetString());
            Assert.Equal(JsonValueKind.Null, finding.GetProperty("suppressed").ValueKind);
            Assert.Contains("os.system", finding.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.EndsWith("/MG1001.md", finding.GetProperty("helpLink").GetString(), StringComparison.Ordinal);
        }

        (code, var stdout, _) = Run("scan", "models", "--format", "sarif", "--output", "out/modelguard.sarif", "--help-link-base", "https://mirror.example/rules/{id}.html");
        Assert.Equal(1, code);
        Assert.Empty(stdout);
        var sarif = File.ReadAllText(Path.Combine(_dir, "out", "modelguard.sarif"));
        var errors = SarifSchema.Validate(sarif);
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n" + sarif);
        Assert.Contains("\"helpUri\": \"https://mirror.example/rules/MG1001.html\"", sarif, StringComparison.Ordinal);
    }

    [Fact]
    public void FailOnDecidesTheExitCodeAndWarnAsErrorNoWarnApply()
    {
        // A pickle (an empty dict) named .png: MG3010 (content does not match the extension) is a warning.
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "weights.png"), new PickleWriter().Proto(2).Op((byte)'}').Stop().ToArray());

        var (code, stdout, _) = Run("scan", "models");
        Assert.True(code == 0, stdout);
        Assert.Contains(" : warning MG3010:", stdout, StringComparison.Ordinal);

        Assert.Equal(1, Run("scan", "models", "--fail-on", "warning").Code);
        Assert.Equal(1, Run("scan", "models", "--fail-on", "note").Code);
        Assert.Equal(1, Run("scan", "models", "--warnaserror").Code);
        Assert.Equal(1, Run("scan", "models", "--warnaserror=MG3010").Code);
        Assert.Equal(0, Run("scan", "models", "--warnaserror=MG3010", "--warnnotaserror=MG3010").Code);
        Assert.Equal(0, Run("scan", "models", "--fail-on", "warning", "--no-warn", "MG3010").Code);
    }

    [Fact]
    public void EditorConfigBesideTheFilesAndAllowlistsApply()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models", "legacy"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "custom.pkl"), TestPickles.Custom);
        File.WriteAllBytes(Path.Combine(_dir, "models", "legacy", "custom.pkl"), TestPickles.Custom);
        File.WriteAllText(Path.Combine(_dir, ".editorconfig"), "root = true\n\n[*.pkl]\ndotnet_diagnostic.MG1002.severity = warning\n");
        File.WriteAllText(Path.Combine(_dir, "models", "legacy", ".editorconfig"), "[*.pkl]\ndotnet_diagnostic.MG1002.severity = none\n");

        var (code, stdout, _) = Run("scan", "models");
        Assert.True(code == 0, stdout);
        Assert.Contains($"{Path.Combine("models", "custom.pkl")} : warning MG1002:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.Combine("legacy", "custom.pkl"), stdout, StringComparison.Ordinal);

        Assert.Equal(1, Run("scan", "models", "--fail-on", "warning").Code);
        Assert.Equal(0, Run("scan", "models", "--fail-on", "warning", "--allow", "mypkg.layers.Custom").Code);
        File.WriteAllText(Path.Combine(_dir, "allowed.txt"), "# our layers\nmypkg.layers.Custom  # the custom layer\n");
        Assert.Equal(0, Run("scan", "models", "--fail-on", "warning", "--allowlist", "allowed.txt").Code);
    }

    [Fact]
    public void SymlinkLoopsAreWalkedOnceAndAFifoIsReportedWithoutBlocking()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "good.pt"), TorchCheckpointWriter.Benign());
        Directory.CreateSymbolicLink(Path.Combine(_dir, "models", "loop"), Path.Combine(_dir, "models"));
        var fifo = Path.Combine(_dir, "models", "pipe");
        var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);

        var (code, stdout, _) = Run("scan", "models", "--format", "json");

        Assert.True(code == 1, stdout);
        using var document = JsonDocument.Parse(stdout);
        var findings = document.RootElement.GetProperty("findings").EnumerateArray().ToList();
        var finding = Assert.Single(findings);
        Assert.Equal(Path.Combine("models", "pipe"), finding.GetProperty("file").GetString());
        Assert.Equal("MG9002", finding.GetProperty("rule").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("summary").GetProperty("files").GetInt32());
    }

    [Fact]
    public void AReportThatCannotBeWrittenExitsWith3()
    {
        WriteEvilAndGood();
        File.WriteAllText(Path.Combine(_dir, "occupied"), "a file, not a folder");

        var (code, _, stderr) = Run("scan", "models", "--format", "sarif", "--output", "occupied/modelguard.sarif");

        Assert.Equal(3, code);
        Assert.Contains("cannot be written", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AllowlistEntriesThatDoNothingAreReportedWhereTheyWereWritten()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "custom.pkl"), TestPickles.Custom);
        File.WriteAllText(Path.Combine(_dir, "allowed.txt"), "# our layers\nmypkg.layers.Custom\n\nmypkg.layers.*  # every layer\nbuiltins.exec\n");
        File.WriteAllText(Path.Combine(_dir, "models", ".editorconfig"), "root = true\n\n[*.pkl]\nmodelguard_allowed_globals = Custom, mypkg.layers.Custom\n");

        var (code, stdout, _) = Run("scan", "models", "--allow", "os.system", "--allowlist", "allowed.txt");

        // The good entries still apply (no MG1002); the others are warnings that do not fail the run.
        Assert.True(code == 0, stdout);
        Assert.DoesNotContain("MG1002", stdout, StringComparison.Ordinal);
        Assert.Contains("ModelGuard : warning MG9007: the allowlist entry 'os.system' (--allow) names a global ModelGuard denies (a file that calls it would run shell commands or start processes); an allowlist entry never allows a denied global, so it stays MG1001 [", stdout, StringComparison.Ordinal);
        Assert.Contains("allowed.txt(4) : warning MG9006: the allowlist entry 'mypkg.layers.*' (--allowlist) is a pattern", stdout, StringComparison.Ordinal);
        Assert.Contains("allowed.txt(5) : warning MG9007: the allowlist entry 'builtins.exec' (--allowlist) names a global ModelGuard denies", stdout, StringComparison.Ordinal);
        Assert.Contains($"{Path.Combine("models", ".editorconfig")}(4) : warning MG9006: the allowlist entry 'Custom' (modelguard_allowed_globals) has no module", stdout, StringComparison.Ordinal);
        Assert.Equal(4, stdout.Split('\n').Count(l => l.Contains(" : warning MG900", StringComparison.Ordinal)));
        Assert.Equal(1, Run("scan", "models", "--allow", "os.system", "--fail-on", "warning").Code);
    }

    [Theory]
    [InlineData("MG9006", "Custom")]
    [InlineData("MG9007", "os.system")]
    public void TheRulePagesGlobalConfigSnippetSilencesAnAllowlistProblem(string id, string entry)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "good.pt"), TorchCheckpointWriter.Benign());
        Assert.Contains($" : warning {id}: ", Run("scan", "models", "--allow", entry).Stdout, StringComparison.Ordinal);

        // The page's snippet, pasted as shown into a global config the scan reads.
        var page = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "rules", id + ".md"));
        var start = page.IndexOf("```ini\n", StringComparison.Ordinal) + "```ini\n".Length;
        var snippet = page.Substring(start, page.IndexOf("```", start, StringComparison.Ordinal) - start);
        Assert.StartsWith("is_global = true\n", snippet, StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_dir, "models", ".globalconfig"), snippet);

        var (code, stdout, _) = Run("scan", "models", "--allow", entry);
        Assert.True(code == 0, stdout);
        Assert.DoesNotContain(id, stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void SarifReportIsRelativeToTheRepositoryAndIsNeverScannedItself()
    {
        WriteEvilAndGood();
        Directory.CreateDirectory(Path.Combine(_dir, ".git"));
        var report = Path.Combine("models", "modelguard.sarif");

        // Written into the folder it scans, twice: the second run must not look at the first run's report.
        Assert.Equal(1, Run("scan", "models", "--format", "sarif", "--output", report).Code);
        var (code, _, stderr) = Run("scan", "models", "--format", "sarif", "--output", report);
        Assert.Equal(1, code);
        Assert.Contains("ModelGuard: 2 model(s) in 2 file(s) looked at", stderr, StringComparison.Ordinal);

        var json = File.ReadAllText(Path.Combine(_dir, report));
        Assert.Empty(SarifSchema.Validate(json));
        using (var document = JsonDocument.Parse(json))
        {
            var run = document.RootElement.GetProperty("runs")[0];
            Assert.Equal(new Uri(_dir + "/").AbsoluteUri, run.GetProperty("originalUriBaseIds").GetProperty("SRCROOT").GetProperty("uri").GetString());
            var location = run.GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.Equal("models/evil.pt", location.GetProperty("uri").GetString());
            Assert.Equal(2, run.GetProperty("artifacts").EnumerateArray().Count(a => a.TryGetProperty("roles", out _)));
        }

        // An explicit root: URIs relative to it.
        Run("scan", "models", "--format", "sarif", "--output", report, "--sarif-root", "models");
        using (var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, report))))
        {
            var location = document.RootElement.GetProperty("runs")[0].GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation");
            Assert.Equal("evil.pt", location.GetProperty("uri").GetString());
        }
    }

    private void WriteEvilAndGood()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "evil.pt"), TorchCheckpointWriter.Malicious());
        File.WriteAllBytes(Path.Combine(_dir, "models", "good.pt"), TorchCheckpointWriter.Benign());
    }

    [Fact]
    public void AllowProfileAllowsTheEcosystemsClassesAndNothingDangerous()
    {
        var frame = Path.Combine(_dir, "frame.pkl");
        File.Copy(Path.Combine(ModelGuard.IntegrationTests.Infrastructure.RepoPaths.Root, "tests", "ModelGuard.Engine.Tests", "Fixtures", "real", "pandas_dataframe.pkl"), frame);
        File.WriteAllBytes(Path.Combine(_dir, "evil.pt"), TorchCheckpointWriter.Malicious());

        var (withoutProfile, before, _) = Run("scan", frame);
        var (withProfile, after, _) = Run("scan", _dir, "--allow-profile", "xgboost", "--allow-profile=Pandas");

        Assert.True(withoutProfile == 1 && before.Contains("error MG1002: ", StringComparison.Ordinal), before);
        Assert.DoesNotContain("MG1002", after, StringComparison.Ordinal);
        Assert.Contains("evil.pt : error MG1001:", after, StringComparison.Ordinal);
        Assert.Equal(1, withProfile);
    }

    [Fact]
    public void AllowNativeLibraryAllowsTheNamedCustomOpsLibraryOnly()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "phi"));
        File.WriteAllText(
            Path.Combine(_dir, "phi", "genai_config.json"),
            "{\"model\":{\"decoder\":{\"session_options\":{\"custom_ops_library\":\"lib/libcustom_ops.so\"}}}}");

        var (unlisted, before, _) = Run("scan", "phi");
        var (otherListed, other, _) = Run("scan", "phi", "--allow-native-library", "libother.so");
        var (listed, after, _) = Run("scan", "phi", "--allow-native-library=libcustom_ops.so");

        Assert.True(unlisted == 1 && before.Contains("genai_config.json : error MG5030: ", StringComparison.Ordinal), before);
        Assert.True(otherListed == 1 && other.Contains("error MG5030: ", StringComparison.Ordinal), other);
        Assert.True(listed == 0, after);
        Assert.DoesNotContain("MG5030", after, StringComparison.Ordinal);
    }

    private (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr, stderrIsTerminal: false, workingDirectory: _dir);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
