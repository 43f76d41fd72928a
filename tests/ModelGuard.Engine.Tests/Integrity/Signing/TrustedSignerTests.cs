using System;
using System.IO;
using ModelGuard.Engine.Integrity.Signing;

namespace ModelGuard.Engine.Tests.Integrity.Signing;

public sealed class TrustedSignerTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "signing", "model-transparency");

    [Fact]
    public void TheThreeKindsMakeOnePolicyThatVerifiesEveryReferenceBundle()
    {
        var policy = TrustedSigner.CreatePolicy(
            new[]
            {
                new TrustedSigner("keys/signing-key-pub.pem"),
                new TrustedSigner("keys/ca-cert.pem", "Certificate"),
                new TrustedSigner("stefanb@us.ibm.com", "sigstore", "https://sigstore.verify.ibm.com/oauth2"),
            },
            null,
            Fixtures);
        foreach (var folder in new[] { "v1.1.0-elliptic-key", "v1.1.0-certificate", "v1.1.0-sigstore" })
        {
            Assert.Empty(ModelSignatureVerifier.Verify(new ModelSignatureRequest(Path.Combine(Fixtures, folder), folder), policy));
        }
    }

    [Theory]
    [InlineData("keys/missing.pem", null, null, "keys/missing.pem")]
    [InlineData("keys/ca-cert.pem", null, null, "no '-----BEGIN PUBLIC KEY-----' block")]
    [InlineData("keys/signing-key-pub.pem", "certificate", null, "no '-----BEGIN CERTIFICATE-----' block")]
    [InlineData("someone@example.com", "sigstore", null, "needs its OIDC issuer")]
    [InlineData("keys/ca-cert.pem", "x509", null, "not one of key, certificate and sigstore")]
    public void AnUnusableSignerIsNamedWithTheReason(string value, string? kind, string? issuer, string reason)
    {
        var ex = Assert.Throws<SignatureFormatException>(() => TrustedSigner.CreatePolicy(new[] { new TrustedSigner(value, kind, issuer) }, null, Fixtures));
        Assert.Contains($"'{value}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherTrustedRootReplacesThePublicGoodOne()
    {
        var ex = Assert.Throws<SignatureFormatException>(() => TrustedSigner.CreatePolicy(Array.Empty<TrustedSigner>(), "keys/ca-cert.pem", Fixtures));
        Assert.Contains("trusted root 'keys/ca-cert.pem'", ex.Message, StringComparison.Ordinal);

        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, "{\"mediaType\": \"application/vnd.dev.sigstore.trustedroot+json;version=0.1\", \"tlogs\": [], \"certificateAuthorities\": []}");
        var policy = TrustedSigner.CreatePolicy(new[] { new TrustedSigner("stefanb@us.ibm.com", "sigstore", "https://sigstore.verify.ibm.com/oauth2") }, path, Fixtures);
        var finding = Assert.Single(ModelSignatureVerifier.Verify(new ModelSignatureRequest(Path.Combine(Fixtures, "v1.1.0-sigstore"), "m"), policy));
        Assert.Equal("MG4107", finding.Rule.Id);
    }
}
