using System;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using ModelGuard.Engine.Integrity.Signing;
using ModelGuard.Engine.Rules;
using ModelGuard.TestSupport.Signing;

namespace ModelGuard.Engine.Tests.Integrity.Signing;

/// <summary>Folders signed here by <see cref="ModelSigningWriter"/>: every key size, both serialization methods, and statements that are validly signed but wrong.</summary>
public sealed class SignedFolderTests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static ModelSignaturePolicy Trusting(ECDsa key) => new() { TrustedKeys = new[] { SigningPublicKey.FromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo()) } };

    private static string NewModel()
    {
        var folder = Directory.CreateTempSubdirectory("mg-model").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "weights"));
        File.WriteAllBytes(Path.Combine(folder, "weights", "model.safetensors"), Enumerable.Range(0, 2500).Select(i => (byte)(i * 31)).ToArray());
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"layers\": 2}");
        File.WriteAllBytes(Path.Combine(folder, "empty.txt"), Array.Empty<byte>());
        return folder;
    }

    private static string[] Verify(string folder, ModelSignaturePolicy policy) =>
        ModelSignatureVerifier.Verify(new ModelSignatureRequest(folder, "m"), policy).Select(f => f.Rule.Id + " " + f.FilePath + ": " + f.Message).ToArray();

    [Theory]
    [InlineData("nistP256")]
    [InlineData("nistP384")]
    [InlineData("nistP521")]
    public void EveryCurveModelSigningAcceptsVerifiesWithItsHash(string curve)
    {
        using var key = ECDsa.Create(ECCurve.CreateFromFriendlyName(curve));
        var folder = NewModel();
        new ModelSigningWriter().SignWithKey(folder, key);
        Assert.Empty(Verify(folder, Trusting(key)));
    }

    [Fact]
    public void ShardsAreComparedOneByOneAndEmptyFilesHaveNone()
    {
        var folder = NewModel();
        new ModelSigningWriter { Method = "shards", ShardSize = 1000 }.SignWithKey(folder, Key);
        Assert.Empty(Verify(folder, Trusting(Key)));

        var weights = Path.Combine(folder, "weights", "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[1500] ^= 1;
        File.WriteAllBytes(weights, bytes);
        var finding = Assert.Single(ModelSignatureVerifier.Verify(new ModelSignatureRequest(folder, "m"), Trusting(Key)));
        Assert.Equal(RuleIds.SignedFileChanged, finding.Rule.Id);
        Assert.Equal(1000, finding.Offset);
        Assert.Contains("bytes 1000-2000", finding.Message, StringComparison.Ordinal);

        File.WriteAllBytes(weights, bytes.Append((byte)0).ToArray());
        Assert.Equal(new[] { "MG4103 m/weights/model.safetensors: the file has 2501 bytes but its signed shards cover 2500 bytes" }, Verify(folder, Trusting(Key)));
    }

    [Fact]
    public void AnIgnoredDirectoryIsLeftOutAndOnlyBundledFilesCanBeUncovered()
    {
        var folder = NewModel();
        new ModelSigningWriter().SignWithKey(folder, Key);
        Directory.CreateDirectory(Path.Combine(folder, ".git", "objects"));
        File.WriteAllText(Path.Combine(folder, ".git", "objects", "x"), "not part of the model");
        File.WriteAllText(Path.Combine(folder, "README.md"), "added later");
        Assert.Equal(new[] { "MG4104 m/README.md: the file is in the signed model folder 'm' but its signature does not cover it" }, Verify(folder, Trusting(Key)));
        Assert.Empty(ModelSignatureVerifier.Verify(new ModelSignatureRequest(folder, "m") { BundledFiles = new[] { "config.json", "weights/model.safetensors" } }, Trusting(Key)));
    }

    [Fact]
    public void TheCachedHasherOfTheCallerIsUsedForWholeFiles()
    {
        var folder = NewModel();
        new ModelSigningWriter().SignWithKey(folder, Key);
        var hashed = new System.Collections.Generic.List<string>();
        var request = new ModelSignatureRequest(folder, "m") { HashFile = p => { hashed.Add(Path.GetFileName(p)); return ModelGuard.Engine.Integrity.FileHasher.HashFile(p); } };
        Assert.Empty(ModelSignatureVerifier.Verify(request, Trusting(Key)));
        Assert.Equal(new[] { "config.json", "empty.txt", "model.safetensors" }, hashed.OrderBy(n => n, StringComparer.Ordinal));
    }

    /// <summary>Statements signed by the trusted key but wrong: the signature cannot help, the statement checks must.</summary>
    [Theory]
    [InlineData("subject-digest", "MG4101")]
    [InlineData("two-subjects", "MG4105")]
    [InlineData("no-subject", "MG4105")]
    [InlineData("statement-type", "MG4105")]
    [InlineData("predicate-type", "MG4105")]
    [InlineData("legacy-predicate", "MG4105")]
    [InlineData("hash-type-blake3", "MG4105")]
    [InlineData("method-unknown", "MG4105")]
    [InlineData("shards-without-size", "MG4105")]
    [InlineData("resource-algorithm", "MG4105")]
    [InlineData("resource-digest-uppercase", "MG4105")]
    [InlineData("resource-digest-short", "MG4105")]
    [InlineData("resource-name-parent", "MG4105")]
    [InlineData("resource-name-absolute", "MG4105")]
    [InlineData("resource-twice", "MG4105")]
    [InlineData("resource-dropped", "MG4101")]
    [InlineData("resource-for-missing-file", "MG4101")]
    [InlineData("allow-symlinks-string", "MG4105")]
    public void AValidlySignedWrongStatementIsRejected(string mutation, string rule)
    {
        var folder = NewModel();
        new ModelSigningWriter { EditStatement = s => Mutate(s, mutation) }.SignWithKey(folder, Key);
        var findings = Verify(folder, Trusting(Key));
        Assert.True(findings.Length > 0 && findings.All(f => f.StartsWith(rule, StringComparison.Ordinal)), string.Join("\n", findings));
    }

    [Fact]
    public void AResourceDigestChangedWithItsSubjectIsAFileMismatch()
    {
        var folder = NewModel();
        new ModelSigningWriter { EditStatement = s => Mutate(s, "resource-digest-consistent") }.SignWithKey(folder, Key);
        Assert.Equal("MG4103 m/config.json", Assert.Single(Verify(folder, Trusting(Key)))[..20]);
    }

    [Theory]
    [InlineData("signature-byte", "MG4101")]
    [InlineData("signature-empty", "MG4105")]
    [InlineData("payload-byte", "MG4101")]
    [InlineData("payload-type", "MG4101")]
    [InlineData("hint-other", "MG4102")]
    [InlineData("hint-empty", null)]
    [InlineData("public-key-and-certificate", "MG4105")]
    [InlineData("no-verification-material", "MG4105")]
    [InlineData("media-type-v0.1", null)]
    [InlineData("media-type-unknown", "MG4105")]
    [InlineData("two-signatures", "MG4105")]
    [InlineData("message-signature", "MG4105")]
    [InlineData("payload-not-base64", "MG4105")]
    [InlineData("tlog-entry-in-key-mode", "MG4105")]
    public void ATamperedKeyBundleIsRejected(string mutation, string? rule)
    {
        var folder = NewModel();
        new ModelSigningWriter { EditBundle = b => MutateBundle(b, mutation) }.SignWithKey(folder, Key);
        var findings = Verify(folder, Trusting(Key));
        if (rule is null)
        {
            Assert.Empty(findings);
        }
        else
        {
            Assert.StartsWith(rule + " m/model.sig", Assert.Single(findings), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("statement", "none", null)]
    [InlineData("statement", "subject-digest", null)]
    [InlineData("statement", "hash-type-blake3", "MG4105")]
    [InlineData("statement", "legacy-predicate", "MG4105")]
    [InlineData("bundle", "signature-byte", null)]
    [InlineData("bundle", "media-type-unknown", "MG4105")]
    [InlineData("bundle", "payload-not-base64", "MG4105")]
    public void CheckReadableOnlyParsesTheSignatureAndNeverChecksItsSignerOrDigests(string part, string mutation, string? rule)
    {
        var folder = NewModel();
        using var unknown = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var writer = part == "statement"
            ? new ModelSigningWriter { EditStatement = s => { if (mutation != "none") { Mutate(s, mutation); } } }
            : new ModelSigningWriter { EditBundle = b => MutateBundle(b, mutation) };
        writer.SignWithKey(folder, unknown);
        File.WriteAllText(Path.Combine(folder, "config.json"), "{\"layers\": 3}");

        var finding = ModelSignatureVerifier.CheckReadable(new ModelSignatureRequest(folder, "m"));

        Assert.Equal(rule, finding?.Rule.Id);
        Assert.Equal(rule is null ? null : "m/model.sig", finding?.FilePath);
    }

    [Fact]
    public void ADuplicateKeyAnywhereInTheBundleIsRefused()
    {
        var folder = NewModel();
        new ModelSigningWriter().SignWithKey(folder, Key);
        var path = Path.Combine(folder, "model.sig");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"payloadType\":", "\"payloadType\": \"text/plain\", \"payloadType\":", StringComparison.Ordinal));
        var finding = Assert.Single(Verify(folder, Trusting(Key)));
        Assert.StartsWith("MG4105", finding, StringComparison.Ordinal);
        Assert.Contains("\"payloadType\" twice", finding, StringComparison.Ordinal);
    }

    [Fact]
    public void CertificateModeChainsToTheTrustedCaOnly()
    {
        var (ca, leaf) = ModelSigningWriter.CreateCertificateChain();
        var (otherCa, _) = ModelSigningWriter.CreateCertificateChain("CN=test-ca");
        var folder = NewModel();
        new ModelSigningWriter().SignWithCertificate(folder, leaf);
        Assert.Empty(Verify(folder, new ModelSignaturePolicy { TrustedCertificateAuthorities = new[] { SigningCertificate.FromDer(ca.RawData) } }));

        // Same name, other key: chains are checked by signature, not by name.
        var untrusted = Verify(folder, new ModelSignaturePolicy { TrustedCertificateAuthorities = new[] { SigningCertificate.FromDer(otherCa.RawData) } });
        Assert.StartsWith("MG4102", Assert.Single(untrusted), StringComparison.Ordinal);
        Assert.StartsWith("MG4102", Assert.Single(Verify(folder, Trusting(Key))), StringComparison.Ordinal);
    }

    [Fact]
    public void ACertificateThatMayNotSignIsRejected()
    {
        var (ca, leaf) = ModelSigningWriter.CreateCertificateChain(leafMaySign: false);
        var folder = NewModel();
        new ModelSigningWriter().SignWithCertificate(folder, leaf);
        Assert.StartsWith("MG4101", Assert.Single(Verify(folder, new ModelSignaturePolicy { TrustedCertificateAuthorities = new[] { SigningCertificate.FromDer(ca.RawData) } })), StringComparison.Ordinal);
    }

    private static void Mutate(JsonObject statement, string mutation)
    {
        var predicate = statement["predicate"]!.AsObject();
        var serialization = predicate["serialization"]!.AsObject();
        var resources = predicate["resources"]!.AsArray();
        var subject = statement["subject"]!.AsArray();
        switch (mutation)
        {
            case "subject-digest": subject[0]!["digest"]!["sha256"] = new string('0', 64); break;
            case "two-subjects": subject.Add(subject[0]!.DeepClone()); break;
            case "no-subject": statement["subject"] = new JsonArray(); break;
            case "statement-type": statement["_type"] = "https://in-toto.io/Statement/v0.1"; break;
            case "predicate-type": statement["predicateType"] = "https://model_signing/signature/v2.0"; break;
            case "legacy-predicate": statement["predicateType"] = "https://model_signing/Digests/v0.1"; break;
            case "hash-type-blake3": serialization["hash_type"] = "blake3"; break;
            case "method-unknown": serialization["method"] = "digest"; break;
            case "shards-without-size": serialization["method"] = "shards"; break;
            case "resource-algorithm": resources[0]!["algorithm"] = "blake2b"; break;
            case "resource-digest-uppercase": resources[0]!["digest"] = resources[0]!["digest"]!.GetValue<string>().ToUpperInvariant(); break;
            case "resource-digest-short": resources[0]!["digest"] = "abcd"; break;
            case "resource-name-parent": resources[0]!["name"] = "../config.json"; break;
            case "resource-name-absolute": resources[0]!["name"] = "/etc/passwd"; break;
            case "resource-twice": resources.Add(resources[0]!.DeepClone()); break;
            case "resource-dropped": resources.RemoveAt(0); break;
            case "resource-for-missing-file": resources.Add(new JsonObject { ["algorithm"] = "sha256", ["digest"] = new string('a', 64), ["name"] = "tokenizer.json" }); break;
            case "allow-symlinks-string": serialization["allow_symlinks"] = "false"; break;
            case "resource-digest-consistent":
                resources[0]!["digest"] = new string('1', 64);
                subject[0]!["digest"]!["sha256"] = Convert.ToHexStringLower(SHA256.HashData(resources.SelectMany(r => Convert.FromHexString(r!["digest"]!.GetValue<string>())).ToArray()));
                break;
            default: throw new ArgumentOutOfRangeException(nameof(mutation));
        }
    }

    private static void MutateBundle(JsonObject bundle, string mutation)
    {
        var envelope = bundle["dsseEnvelope"]!.AsObject();
        var material = bundle["verificationMaterial"]!.AsObject();
        var signature = envelope["signatures"]![0]!.AsObject();
        switch (mutation)
        {
            case "signature-byte": signature["sig"] = Flip(signature["sig"]!.GetValue<string>()); break;
            case "signature-empty": signature["sig"] = string.Empty; break;
            case "payload-byte": envelope["payload"] = Flip(envelope["payload"]!.GetValue<string>()); break;
            case "payload-type": envelope["payloadType"] = "application/json"; break;
            case "hint-other": material["publicKey"]!["hint"] = new string('0', 64); break;
            case "hint-empty": material["publicKey"]!["hint"] = string.Empty; break;
            case "public-key-and-certificate": material["certificate"] = new JsonObject { ["rawBytes"] = "MA==" }; break;
            case "no-verification-material": bundle.Remove("verificationMaterial"); break;
            case "media-type-v0.1": bundle["mediaType"] = "application/vnd.dev.sigstore.bundle+json;version=0.1"; break;
            case "media-type-unknown": bundle["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.4+json"; break;
            case "two-signatures": envelope["signatures"]!.AsArray().Add(signature.DeepClone()); break;
            case "message-signature": bundle["messageSignature"] = new JsonObject(); break;
            case "payload-not-base64": envelope["payload"] = "%%%"; break;
            case "tlog-entry-in-key-mode": material["tlogEntries"]!.AsArray().Add(new JsonObject { ["logIndex"] = "1", ["logId"] = new JsonObject { ["keyId"] = "AA==" }, ["kindVersion"] = new JsonObject { ["kind"] = "dsse", ["version"] = "0.0.1" }, ["canonicalizedBody"] = "e30=" }); break;
            default: throw new ArgumentOutOfRangeException(nameof(mutation));
        }
    }

    private static string Flip(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        bytes[bytes.Length / 2] ^= 1;
        return Convert.ToBase64String(bytes);
    }
}
