using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ModelGuard.Engine.Integrity.Signing;

namespace ModelGuard.Engine.Tests.Integrity.Signing;

public sealed class DerAndCertificateTests
{
    [Theory]
    [InlineData("3081020500", "not in its shortest form")]     // long-form length for 2
    [InlineData("3080", "indefinite")]                            // BER indefinite length
    [InlineData("300205", "longer than its container")]          // content past the end
    [InlineData("3000ff", "after the last element")]             // trailing byte
    public void NonDerEncodingsAreRefused(string hex, string reason)
    {
        var ex = Assert.Throws<SignatureFormatException>(() =>
        {
            var reader = new DerReader(Convert.FromHexString(hex));
            reader.ReadSequence();
            reader.End();
        });
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2a864886f70d010101", "1.2.840.113549.1.1.1")]
    [InlineData("2b0601040183bf300101", "1.3.6.1.4.1.57264.1.1")]
    [InlineData("8837", "2.999")]
    public void ObjectIdentifiersDecode(string hex, string expected) => Assert.Equal(expected, DerReader.DecodeObjectIdentifier(Convert.FromHexString(hex)));

    [Fact]
    public void TheFulcioLeafExposesIdentityIssuerAndUsage()
    {
        var bundle = SigstoreBundle.Parse(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "signing", "model-transparency", "v1.1.0-sigstore", "model.sig")));
        var leaf = Assert.Single(bundle.Certificates);
        Assert.Equal(new[] { "stefanb@us.ibm.com" }, leaf.SubjectAlternativeNames);
        Assert.Equal("https://sigstore.verify.ibm.com/oauth2", leaf.OidcIssuer);
        Assert.True(leaf.HasCodeSigningUsage);
        Assert.True(leaf.MaySignContent);
        Assert.False(leaf.IsCertificateAuthority);
        Assert.Equal(TimeSpan.FromMinutes(10), leaf.NotAfter - leaf.NotBefore);
        Assert.Equal("ECDSA P-256", leaf.PublicKey.Description);
    }

    [Fact]
    public void ACertificateWithoutTimestampsReencodesToItsOwnTbs()
    {
        var (ca, leaf) = ModelGuard.TestSupport.Signing.ModelSigningWriter.CreateCertificateChain();
        var certificate = SigningCertificate.FromDer(leaf.RawData);
        Assert.Equal(certificate.Tbs, certificate.TbsWithoutSctList());
        Assert.Null(certificate.SctList);
        Assert.True(SigningCertificate.FromDer(ca.RawData).Issued(certificate));
    }

    [Fact]
    public void AnUnknownCriticalExtensionMakesTheCertificateUnusable()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=x", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension("1.2.3.4.5", new byte[] { 5, 0 }, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var ex = Assert.Throws<SignatureFormatException>(() => SigningCertificate.FromDer(certificate.RawData));
        Assert.Contains("1.2.3.4.5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeysOfEveryKindDecodeOrAreRefusedByName()
    {
        using var rsa = RSA.Create(2048);
        Assert.Equal("RSA 2048", SigningPublicKey.FromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo()).Description);
        using var weak = RSA.Create(1024);
        Assert.Contains("too weak", Assert.Throws<SignatureFormatException>(() => SigningPublicKey.FromSubjectPublicKeyInfo(weak.ExportSubjectPublicKeyInfo())).Message, StringComparison.Ordinal);
        using var k1 = ECDsa.Create(ECCurve.CreateFromValue("1.3.132.0.10"));
        Assert.Contains("1.3.132.0.10", Assert.Throws<SignatureFormatException>(() => SigningPublicKey.FromSubjectPublicKeyInfo(k1.ExportSubjectPublicKeyInfo())).Message, StringComparison.Ordinal);

        // Ed25519 SubjectPublicKeyInfo (RFC 8410): refused by name, not skipped.
        var ed25519 = Convert.FromHexString("302a300506032b6570032100" + new string('1', 64));
        Assert.Contains("Ed25519", Assert.Throws<SignatureFormatException>(() => SigningPublicKey.FromSubjectPublicKeyInfo(ed25519)).Message, StringComparison.Ordinal);

        // A point that is not on the curve.
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = p256.ExportSubjectPublicKeyInfo();
        spki[^1] ^= 1;
        Assert.Contains("not a point on the curve", Assert.Throws<SignatureFormatException>(() => SigningPublicKey.FromSubjectPublicKeyInfo(spki)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePemHintIsWhatModelSigningWrote()
    {
        var key = SigningPublicKey.FromPem(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "signing", "model-transparency", "keys", "signing-key-pub.pem")));
        Assert.Equal("e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e", key.PemHint());
        Assert.Equal(384, key.CurveBits);
        Assert.Equal(HashAlgorithmName.SHA384, key.DefaultHash);
    }

    [Fact]
    public void MerkleInclusionMatchesRfc9162ForEveryLeafOfSmallTrees()
    {
        using var sha = SHA256.Create();
        for (var size = 1; size <= 9; size++)
        {
            var leaves = Enumerable.Range(0, size).Select(i => sha.ComputeHash(new byte[] { 0, (byte)i })).ToArray();
            var root = Root(sha, leaves);
            for (var index = 0; index < size; index++)
            {
                var path = AuditPath(sha, leaves, index).ToList();
                Assert.Equal(root, RekorEntryVerifier.MerkleRoot(leaves[index], index, size, new InclusionProof(index, root, size, path, null)));
                if (path.Count > 0)
                {
                    var wrong = path.ToList();
                    wrong[0] = sha.ComputeHash(wrong[0]);
                    Assert.NotEqual(root, RekorEntryVerifier.MerkleRoot(leaves[index], index, size, new InclusionProof(index, root, size, wrong, null)));
                }
            }
        }
    }

    private static byte[] Node(SHA256 sha, byte[] left, byte[] right) => sha.ComputeHash(new byte[] { 1 }.Concat(left).Concat(right).ToArray());

    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }

        return k;
    }

    private static byte[] Root(SHA256 sha, byte[][] leaves) => leaves.Length == 1 ? leaves[0] : Node(sha, Root(sha, leaves[..Split(leaves.Length)]), Root(sha, leaves[Split(leaves.Length)..]));

    private static System.Collections.Generic.IEnumerable<byte[]> AuditPath(SHA256 sha, byte[][] leaves, int index)
    {
        if (leaves.Length == 1)
        {
            yield break;
        }

        var k = Split(leaves.Length);
        var (inner, other, innerIndex) = index < k ? (leaves[..k], leaves[k..], index) : (leaves[k..], leaves[..k], index - k);
        foreach (var hash in AuditPath(sha, inner, innerIndex))
        {
            yield return hash;
        }

        yield return Root(sha, other);
    }
}
