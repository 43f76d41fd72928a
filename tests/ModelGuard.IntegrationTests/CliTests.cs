using System;
using System.IO;
using ModelGuard.Cli;
using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests;

/// <summary>`modelguard scan`, run in process: output format and exit codes.</summary>
public sealed class CliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-cli-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public CliTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("")]
    [InlineData("check x")]
    [InlineData("scan")]
    [InlineData("scan x --format json")]
    [InlineData("scan x --format")]
    [InlineData("scan --bogus")]
    [InlineData("scan x --allow-profile")]
    [InlineData("scan x --allow-profile pandas,bogus")]
    public void UsageErrorsExitWith2(string commandLine)
    {
        var (code, stdout, stderr) = Run(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains("Usage: modelguard scan", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpExitsWith0()
    {
        var (code, stdout, _) = Run("--help");

        Assert.Equal(0, code);
        Assert.Contains("Usage: modelguard scan", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void CleanFolderExitsWith0()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "nested", ".hidden"));
        File.WriteAllText(Path.Combine(_dir, "readme.txt"), "not a model");
        File.WriteAllBytes(Path.Combine(_dir, "nested", ".hidden", "good.pt"), TorchCheckpointWriter.Benign());

        var (code, stdout, stderr) = Run("scan", _dir, "--format", "text");

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("ModelGuard: scanned 2 file(s), 0 error(s), 0 warning(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsAnErrorWithTheBuildFormat()
    {
        var missing = Path.Combine(_dir, "missing.pt");

        var (code, stdout, _) = Run("scan", missing);

        Assert.Equal(1, code);
        Assert.Contains(
            $"{missing} : error MG9002: the file does not exist [https://github.com/modelguard/modelguard/blob/main/docs/rules/MG9002.md]",
            stdout,
            StringComparison.Ordinal);
        Assert.Contains("ModelGuard: scanned 1 file(s), 1 error(s), 0 warning(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void MaliciousCheckpointInAFolderExitsWith1()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "evil.pt"), TorchCheckpointWriter.Malicious());

        var (code, stdout, _) = Run("scan", _dir);

        Assert.True(code == 1, stdout);
        Assert.Contains($"{Path.Combine(_dir, "models", "evil.pt")} : error MG1001:", stdout, StringComparison.Ordinal);
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

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
