using System;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Integrity.Signing;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Tests.Integrity.Signing;

/// <summary>Bundles model_signing itself wrote (sigstore/model-transparency scripts/tests), verified offline in all three modes.</summary>
public sealed class ReferenceBundleTests
{
    private const string IbmIdentity = "stefanb@us.ibm.com";
    private const string IbmIssuer = "https://sigstore.verify.ibm.com/oauth2";

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "signing", "model-transparency", name);

    private static ModelSignaturePolicy KeyPolicy() => new() { TrustedKeys = new[] { SigningPublicKey.FromPem(File.ReadAllText(Fixture("keys/signing-key-pub.pem"))) } };

    private static ModelSignaturePolicy CaPolicy(string file = "keys/ca-cert.pem") =>
        new() { TrustedCertificateAuthorities = Pem.DecodeAll(File.ReadAllText(Fixture(file)), "CERTIFICATE").Select(SigningCertificate.FromDer).ToList() };

    private static ModelSignaturePolicy SigstorePolicy(string identity = IbmIdentity, string issuer = IbmIssuer) =>
        new() { TrustedIdentities = new[] { new SigstoreIdentity(identity, issuer) } };

    private static string[] Rules(string folder, ModelSignaturePolicy policy, string[]? bundled = null) =>
        ModelSignatureVerifier.Verify(new ModelSignatureRequest(Fixture(folder), folder) { BundledFiles = bundled }, policy).Select(f => f.Rule.Id + " " + f.FilePath).ToArray();

    [Theory]
    [InlineData("v1.1.0-elliptic-key")]
    [InlineData("v1.1.0-certificate")]
    [InlineData("v1.1.0-sigstore")]
    [InlineData("v1.0.0-sigstore")]
    public void EveryModeVerifiesTheReferenceBundle(string folder)
    {
        var policy = folder.EndsWith("key", StringComparison.Ordinal) ? KeyPolicy() : folder.EndsWith("certificate", StringComparison.Ordinal) ? CaPolicy() : SigstorePolicy();
        Assert.Empty(Rules(folder, policy));
    }

    [Fact]
    public void AFileThePublisherLeftOutAtVerificationIsNotCovered()
    {
        // v1.0.1 did not record ignore_paths; the reference test passes --ignore-paths ignore-me when verifying.
        Assert.Equal(new[] { "MG4104 v1.0.1-elliptic-key/ignore-me" }, Rules("v1.0.1-elliptic-key", KeyPolicy()));
        Assert.Empty(Rules("v1.0.1-elliptic-key", KeyPolicy(), new[] { "signme-1", "signme-2" }));
    }

    [Fact]
    public void AnotherKeyIsNotTrusted()
    {
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
        var policy = new ModelSignaturePolicy { TrustedKeys = new[] { SigningPublicKey.FromSubjectPublicKeyInfo(other.ExportSubjectPublicKeyInfo()) } };
        Assert.Equal(new[] { "MG4102 v1.1.0-elliptic-key/model.sig" }, Rules("v1.1.0-elliptic-key", policy));
        Assert.Equal(new[] { "MG4102 v1.1.0-elliptic-key/model.sig" }, Rules("v1.1.0-elliptic-key", new ModelSignaturePolicy()));
    }

    [Fact]
    public void TheIntermediateCaIsAnAnchorTooButAnUnrelatedCaIsNot()
    {
        Assert.Empty(Rules("v1.1.0-certificate", CaPolicy("keys/int-ca-cert.pem")));
        Assert.Equal(new[] { "MG4102 v1.1.0-certificate/model.sig" }, Rules("v1.1.0-certificate", new ModelSignaturePolicy { TrustedCertificateAuthorities = SigstoreTrustedRoot.PublicGood.CertificateAuthorities[1].Chain }));
    }

    [Theory]
    [InlineData("someone.else@us.ibm.com", IbmIssuer)]
    [InlineData(IbmIdentity, "https://accounts.google.com")]
    [InlineData("stefanb@us.ibm.co", IbmIssuer)]
    public void AnotherSigstoreIdentityOrIssuerIsNotTrusted(string identity, string issuer) =>
        Assert.Equal(new[] { "MG4102 v1.1.0-sigstore/model.sig" }, Rules("v1.1.0-sigstore", SigstorePolicy(identity, issuer)));

    [Fact]
    public void AKeylessBundleNeedsTheFulcioRootOfItsTrustedRoot()
    {
        // A trusted root with the right Rekor key but no certificate authority: the Fulcio chain cannot be built.
        var json = File.ReadAllText(Path.Combine(RepositoryRoot(), "src/ModelGuard.Engine/Integrity/Signing/sigstore-public-good-trusted_root.json"));
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        root["certificateAuthorities"] = new System.Text.Json.Nodes.JsonArray();
        var policy = new ModelSignaturePolicy { TrustedIdentities = SigstorePolicy().TrustedIdentities, SigstoreRoot = SigstoreTrustedRoot.Parse(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())) };
        Assert.Equal(new[] { "MG4102 v1.1.0-sigstore/model.sig" }, Rules("v1.1.0-sigstore", policy));
    }

    [Theory]
    [InlineData("v1.1.0-sigstore")]
    [InlineData("v1.0.0-sigstore")]
    public void TheFulcioCertificateMustCarryTimestampsOfATrustedCtLog(string folder)
    {
        var json = File.ReadAllText(Path.Combine(RepositoryRoot(), "src/ModelGuard.Engine/Integrity/Signing/sigstore-public-good-trusted_root.json"));
        var root = System.Text.Json.Nodes.JsonNode.Parse(json)!;
        root["ctlogs"] = new System.Text.Json.Nodes.JsonArray();
        var policy = new ModelSignaturePolicy { TrustedIdentities = SigstorePolicy().TrustedIdentities, SigstoreRoot = SigstoreTrustedRoot.Parse(System.Text.Encoding.UTF8.GetBytes(root.ToJsonString())) };
        var finding = Assert.Single(ModelSignatureVerifier.Verify(new ModelSignatureRequest(Fixture(folder), folder), policy));
        Assert.Equal(RuleIds.SignatureInvalid, finding.Rule.Id);
        Assert.Contains("signed certificate timestamp", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneChangedByteNamesTheFileAndBothHashes()
    {
        var copy = CopyFixture("v1.1.0-elliptic-key");
        File.WriteAllText(Path.Combine(copy, "signme-2"), File.ReadAllText(Path.Combine(copy, "signme-2")).Replace('e', 'f'));
        var findings = ModelSignatureVerifier.Verify(new ModelSignatureRequest(copy, "m"), KeyPolicy());
        var finding = Assert.Single(findings);
        Assert.Equal(RuleIds.SignedFileChanged, finding.Rule.Id);
        Assert.Equal("m/signme-2", finding.FilePath);
        Assert.Contains("(signed 32dcb1f8e1ae52d5963e56a6ba06ab58b424c15ed2a6b70d2feca1d089370028)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingSignedFileAndAnAddedFileAreBothReported()
    {
        var copy = CopyFixture("v1.1.0-sigstore");
        File.Delete(Path.Combine(copy, "signme-1"));
        File.WriteAllText(Path.Combine(copy, "extra.pt"), "x");
        Directory.CreateDirectory(Path.Combine(copy, ".git"));
        File.WriteAllText(Path.Combine(copy, ".git", "HEAD"), "ignored by the signature's ignore_paths");
        var findings = ModelSignatureVerifier.Verify(new ModelSignatureRequest(copy, "m"), SigstorePolicy()).Select(f => f.Rule.Id + " " + f.FilePath).ToArray();
        Assert.Equal(new[] { "MG4104 m/extra.pt", "MG4103 m/signme-1" }, findings);
    }

    [Fact]
    public void ASymbolicLinkIsRefusedWhenTheSignatureDoesNotAllowLinks()
    {
        var copy = CopyFixture("v1.1.0-elliptic-key");
        var target = Path.Combine(copy, "..", Path.GetFileName(copy) + "-target");
        File.Copy(Path.Combine(copy, "signme-2"), target);
        File.Delete(Path.Combine(copy, "signme-2"));
        File.CreateSymbolicLink(Path.Combine(copy, "signme-2"), target);
        var finding = Assert.Single(ModelSignatureVerifier.Verify(new ModelSignatureRequest(copy, "m"), KeyPolicy()));
        Assert.Equal(RuleIds.SignedFileChanged, finding.Rule.Id);
        Assert.Contains("symbolic link", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnsignedFolderIsAnErrorOnlyWhenSignaturesAreRequired()
    {
        var folder = Directory.CreateTempSubdirectory("mg-unsigned").FullName;
        File.WriteAllText(Path.Combine(folder, "model.onnx"), "x");
        Assert.Empty(ModelSignatureVerifier.Verify(new ModelSignatureRequest(folder, "m"), KeyPolicy()));
        var finding = Assert.Single(ModelSignatureVerifier.Verify(new ModelSignatureRequest(folder, "m") { RequireSignature = true }, KeyPolicy()));
        Assert.Equal(RuleIds.ModelUnsigned, finding.Rule.Id);
    }

    internal static string CopyFixture(string name)
    {
        var copy = Directory.CreateTempSubdirectory("mg-signed").FullName;
        foreach (var file in Directory.GetFiles(Fixture(name)))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        return copy;
    }

    internal static string RepositoryRoot() => ModelGuard.TestSupport.RepositoryRoot.Path;
}
