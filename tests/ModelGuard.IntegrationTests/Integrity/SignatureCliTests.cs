using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json;
using ModelGuard.Cli;
using ModelGuard.TestSupport.Signing;
using static ModelGuard.IntegrationTests.Integrity.SignatureTaskTests;

namespace ModelGuard.IntegrationTests.Integrity;

/// <summary>`modelguard verify --signature`, run in process: the build's checks over folders, scan's report options and exit codes.</summary>
public sealed class SignatureCliTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-verify-" + Guid.NewGuid().ToString("N").Substring(0, 12));

    public SignatureCliTests()
    {
        Directory.CreateDirectory(_dir);
        CopyFolder(Reference("v1.1.0-elliptic-key"), Path.Combine(_dir, "key"));
        CopyFolder(Reference("v1.1.0-certificate"), Path.Combine(_dir, "certificate"));
        CopyFolder(Reference("v1.1.0-sigstore"), Path.Combine(_dir, "sigstore"));
        File.Copy(Reference("keys/signing-key-pub.pem"), Path.Combine(_dir, "signing-key-pub.pem"));
        File.Copy(Reference("keys/ca-cert.pem"), Path.Combine(_dir, "ca-cert.pem"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("verify key")]
    [InlineData("verify --signature")]
    [InlineData("verify --signature key --trusted-key")]
    [InlineData("verify --signature key --trusted-key missing.pub")]
    [InlineData("verify --signature key --trusted-ca signing-key-pub.pem")]
    [InlineData("verify --signature sigstore --trusted-identity stefanb@us.ibm.com")]
    [InlineData("verify --signature sigstore --issuer https://sigstore.verify.ibm.com/oauth2")]
    [InlineData("verify --signature sigstore --trusted-root missing.json")]
    [InlineData("verify --signature key --allow a.B")]
    [InlineData("verify --signature key --format xml")]
    [InlineData("verify --signature missing-folder")]
    public void UsageErrorsExitWith2(string commandLine)
    {
        var (code, stdout, stderr) = Run(commandLine.Split(' '));

        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.StartsWith("modelguard: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryModeVerifiesItsReferenceBundleAndTheSameFolderFailsWithAnotherSigner()
    {
        Assert.Equal(0, Run("verify", "--signature", "key", "--trusted-key", "signing-key-pub.pem").Code);
        Assert.Equal(0, Run("verify", "--signature", "certificate", "--trusted-ca", "ca-cert.pem").Code);
        var (code, stdout, _) = Run("verify", "--signature", "sigstore", "--trusted-identity", IbmIdentity, "--issuer", IbmIssuer);
        Assert.Equal(0, code);
        Assert.StartsWith("ModelGuard: verified 1 signed folder(s) (4 file(s)): 0 error(s)", stdout, StringComparison.Ordinal);

        (code, stdout, _) = Run("verify", "--signature", "sigstore", "--trusted-identity", "someone.else@us.ibm.com", "--issuer", IbmIssuer, "--trusted-key", "signing-key-pub.pem");
        Assert.Equal(1, code);
        Assert.StartsWith("sigstore/model.sig : error MG4102: ", stdout, StringComparison.Ordinal);

        (code, stdout, _) = Run("verify", "--signature", "key", "--trusted-ca", "ca-cert.pem");
        Assert.Equal(1, code);
        Assert.StartsWith("key/model.sig : error MG4102: ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void ItsOwnReportWrittenIntoTheSignedFolderIsNotABundledFileOnTheNextRun()
    {
        string[] args = { "verify", "--signature", "key", "--trusted-key", "signing-key-pub.pem", "--format", "sarif", "--output", "key/modelguard.sarif" };

        Assert.Equal(0, Run(args).Code);
        Assert.True(File.Exists(Path.Combine(_dir, "key", "modelguard.sarif")));
        Assert.Equal(0, Run(args).Code);
        using var log = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "key", "modelguard.sarif")));
        Assert.Empty(log.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
    }

    [Fact]
    public void WithoutATrustedSignerEachSignatureIsAWarningUnlessSignaturesAreRequired()
    {
        File.WriteAllText(Path.Combine(_dir, "key", "added.bin"), "x");

        var (code, stdout, _) = Run("verify", "--signature", "key", "sigstore", "-q");
        Assert.Equal(0, code);
        Assert.Equal(
            new[]
            {
                "key/model.sig : warning MG4108: the signature 'key/model.sig' was not verified: no trusted signer is configured; trust its signer with a ModelGuardTrustedSigner item (verify --signature: --trusted-key, --trusted-ca or --trusted-identity) or add MG4108 to NoWarn",
                "sigstore/model.sig : warning MG4108: the signature 'sigstore/model.sig' was not verified: no trusted signer is configured; trust its signer with a ModelGuardTrustedSigner item (verify --signature: --trusted-key, --trusted-ca or --trusted-identity) or add MG4108 to NoWarn",
            },
            stdout.Trim().Split('\n').Select(l => l.Split(" [")[0].TrimEnd()));
        Assert.Equal(1, Run("verify", "--signature", "key", "--fail-on", "warning").Code);
        (code, stdout, _) = Run("verify", "--signature", "key", "--no-warn", "MG4108", "-q");
        Assert.Equal((0, string.Empty), (code, stdout.Trim()));

        (code, stdout, _) = Run("verify", "--signature", "key", "--require-signature", "-q");
        Assert.Equal(1, code);
        Assert.StartsWith("key/model.sig : error MG4102: ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void AChangedByteAndAnAddedFileAreReportedInJsonWithBothHashes()
    {
        var signed = File.ReadAllText(Path.Combine(_dir, "key", "signme-1"));
        File.WriteAllText(Path.Combine(_dir, "key", "signme-1"), signed.ToUpperInvariant());
        File.WriteAllText(Path.Combine(_dir, "key", "added.bin"), "x");

        var (code, stdout, stderr) = Run("verify", "--signature", "key", "--trusted-key", "signing-key-pub.pem", "--format", "json");

        Assert.Equal(1, code);
        using var report = JsonDocument.Parse(stdout);
        var findings = report.RootElement.GetProperty("findings").EnumerateArray().Select(f => (f.GetProperty("rule").GetString()!, f.GetProperty("file").GetString()!, f.GetProperty("message").GetString()!)).ToList();
        Assert.Equal(new[] { ("MG4104", "key/added.bin"), ("MG4103", "key/signme-1") }, findings.Select(f => (f.Item1, f.Item2)));
        Assert.Matches("sha256 [0-9a-f]{64} \\(signed [0-9a-f]{64}\\)", findings[1].Item3);
        Assert.StartsWith("ModelGuard: verified 1 signed folder(s)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireSignatureFailsAModelNoSignatureCoversAndNoWarnTurnsItOff()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "models", "unsigned"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "unsigned", "model.safetensors"), SafetensorsModel());
        File.WriteAllText(Path.Combine(_dir, "models", "unsigned", "README.md"), "not a model");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(Path.Combine(_dir, "models", "signed"));
        File.WriteAllBytes(Path.Combine(_dir, "models", "signed", "model.safetensors"), SafetensorsModel());
        new ModelSigningWriter().SignWithKey(Path.Combine(_dir, "models", "signed"), key);
        File.WriteAllText(Path.Combine(_dir, "publisher.pub"), key.ExportSubjectPublicKeyInfoPem());

        Assert.Equal(0, Run("verify", "--signature", "models", "--trusted-key", "publisher.pub").Code);
        var (code, stdout, _) = Run("verify", "--signature", "models", "--trusted-key", "publisher.pub", "--require-signature", "-q");
        Assert.Equal(1, code);
        Assert.StartsWith("models/unsigned/model.safetensors : error MG4106: the model is not signed: neither its folder nor a folder above it up to 'models' has a model.sig, and --require-signature is true", stdout, StringComparison.Ordinal);
        Assert.Single(stdout.Trim().Split('\n'));
        Assert.Equal(0, Run("verify", "--signature", "models", "--trusted-key", "publisher.pub", "--require-signature", "--no-warn", "MG4106").Code);
    }

    [Fact]
    public void HelpNamesEveryOption()
    {
        var (code, stdout, _) = Run("help", "verify");
        Assert.Equal(0, code);
        foreach (var option in new[] { "--trusted-key", "--trusted-ca", "--trusted-identity", "--issuer", "--trusted-root", "--require-signature", "--format" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }

        // help verify shows both checks the verb runs; verify --signature --help only the signature one.
        Assert.Contains(Run("verify", "--signature", "--help").Stdout.Trim(), stdout, StringComparison.Ordinal);
        Assert.Contains("--locked", stdout, StringComparison.Ordinal);
    }

    private (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(args, stdout, stderr, stderrIsTerminal: false, workingDirectory: _dir);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
