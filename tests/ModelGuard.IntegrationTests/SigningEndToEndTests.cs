using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Threading.Tasks;
using ModelGuard.Cli;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport.Signing;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;
using static ModelGuard.IntegrationTests.Integrity.SignatureTaskTests;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// Signed models through the packed package and a real `dotnet build`: model_signing's own reference bundles in all three modes
/// (key, certificate, Sigstore keyless) and a folder signed by the test-side signer verify offline and build clean with
/// ModelGuardRequireSignature on; then one changed byte, an added file, a wrong trusted key, another Sigstore identity and an
/// unsigned model each fail with their rule, and `modelguard verify --signature` reports the same findings as the build.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class SigningEndToEndTests
{
    private readonly PackageFixture _fixture;

    public SigningEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Signed_models_build_clean_and_every_tampering_fails_its_rule_in_the_build_and_the_cli()
    {
        var project = _fixture.CreateProject("signing")
            .SetProperty("ModelGuardErrorLog", "modelguard.sarif")
            .SetProperty("ModelGuardRequireSignature", "true")
            .SetProperty("SigstoreIdentity", IbmIdentity);
        foreach (var mode in new[] { "elliptic-key", "certificate", "sigstore" })
        {
            var folder = "models/" + mode;
            CopyFolder(Reference("v1.1.0-" + mode), Path.Combine(project.Directory, folder));
            project.AddItem($"""<None Include="{folder}/signme-1;{folder}/signme-2;{folder}/model.sig" CopyToOutputDirectory="PreserveNewest" />""");
        }

        Directory.CreateDirectory(Path.Combine(project.Directory, "keys"));
        File.Copy(Reference("keys/signing-key-pub.pem"), Path.Combine(project.Directory, "keys", "signing-key-pub.pem"));
        File.Copy(Reference("keys/ca-cert.pem"), Path.Combine(project.Directory, "keys", "ca-cert.pem"));
        using var publisher = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        project.WriteFile("keys/publisher.pub", publisher.ExportSubjectPublicKeyInfoPem())
            .AddFile("None", "models/llama/model.safetensors", SafetensorsModel())
            .AddFile("None", "models/llama/config.json", "{\"model_type\": \"llama\"}"u8.ToArray());
        new ModelSigningWriter().SignWithKey(Path.Combine(project.Directory, "models", "llama"), publisher);
        project.AddItem("""<ModelGuardTrustedSigner Include="keys/signing-key-pub.pem" />""")
            .AddItem("""<ModelGuardTrustedSigner Include="keys/publisher.pub" Kind="key" />""")
            .AddItem("""<ModelGuardTrustedSigner Include="keys/ca-cert.pem" Kind="certificate" />""")
            .AddItem("""<ModelGuardTrustedSigner Include="$(SigstoreIdentity)" Kind="sigstore" Issuer="https://sigstore.verify.ibm.com/oauth2" />""")
            .AddItem("""<ModelGuardTrustedSigner Include="https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main" Kind="sigstore" Issuer="https://token.actions.githubusercontent.com" />""");

        var clean = await project.BuildAsync();
        Assert.True(clean.ExitCode == 0, clean.Describe());
        AssertContains(clean, "ModelGuard: verified 4 signed model folder(s) against 5 trusted signer(s)");
        Assert.Empty(ReadSarif(project, "modelguard.sarif").Results);

        // One byte of the signed weights, a file added to the signed folder, another key in place of the trusted one, another
        // Sigstore identity, and a model nobody signed.
        FlipLastByte(Path.Combine(project.Directory, "models", "llama", "model.safetensors"));
        project.AddFile("None", "models/llama/extra.safetensors", SafetensorsModel())
            .AddFile("None", "models/unsigned/model.safetensors", SafetensorsModel())
            .SetProperty("SigstoreIdentity", "someone.else@us.ibm.com")
            .AddItem("""<ModelGuardTrustedSigner Include="keys/missing.pub" />""");
        using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP384))
        {
            project.WriteFile("keys/signing-key-pub.pem", other.ExportSubjectPublicKeyInfoPem());
        }

        var tampered = await project.BuildAsync();
        Assert.True(tampered.ExitCode != 0, tampered.Describe());
        var expected = new[]
        {
            ("MG4102", "models/elliptic-key/model.sig"),
            ("MG4102", "models/sigstore/model.sig"),
            ("MG4103", "models/llama/model.safetensors"),
            ("MG4104", "models/llama/extra.safetensors"),
            ("MG4106", "models/unsigned/model.safetensors"),
        };
        var sarif = ReadSarif(project, "modelguard.sarif").Results;
        Assert.Contains(sarif, r => r.RuleId == "MG9010" && r.Uri is null);
        AssertContains(tampered, "error MG9010: the trusted signer 'keys/missing.pub' cannot be used");
        var fromBuild = sarif.Where(r => r.Uri is not null)
            .Select(r => (r.RuleId, Path.GetRelativePath(project.Directory, new Uri(r.Uri!).LocalPath).Replace('\\', '/')))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(fromBuild), string.Join("\n", fromBuild) + "\n" + tampered.Describe());
        Assert.Matches("models/llama/model.safetensors : error MG4103: the content differs from the signature: sha256 [0-9a-f]{64} \\(signed [0-9a-f]{64}\\)", tampered.Output);

        // The command line, given what the project trusts, agrees with the build.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = CommandLine.Run(
            new[]
            {
                "verify", "--signature", "models", "--require-signature", "--format", "github",
                "--trusted-key", "keys/signing-key-pub.pem", "--trusted-key", "keys/publisher.pub", "--trusted-ca", "keys/ca-cert.pem",
                "--trusted-identity", "someone.else@us.ibm.com", "--issuer", IbmIssuer,
            },
            stdout,
            stderr,
            workingDirectory: project.Directory);
        Assert.Equal(1, code);
        var fromCli = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => (System.Text.RegularExpressions.Regex.Match(line, "title=(MG[0-9]{4})").Groups[1].Value, System.Text.RegularExpressions.Regex.Match(line, "file=([^,]+),").Groups[1].Value))
            .OrderBy(r => r.Item1, StringComparer.Ordinal).ThenBy(r => r.Item2, StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(fromCli), stdout.ToString());
    }
}
