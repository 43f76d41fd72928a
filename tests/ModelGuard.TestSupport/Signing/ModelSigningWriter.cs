using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelGuard.TestSupport.Signing;

/// <summary>
/// Signs a model folder the way model_signing 1.x does (in-toto statement, DSSE, Sigstore bundle v0.3) with a test key or a test
/// certificate, so tests can make signatures for any folder and any statement, including validly signed wrong ones.
/// </summary>
public sealed class ModelSigningWriter
{
    public const string PayloadType = "application/vnd.in-toto+json";

    /// <summary>"files" or "shards".</summary>
    public string Method { get; init; } = "files";

    public long ShardSize { get; init; } = 1_000_000_000;

    public bool AllowSymlinks { get; init; }

    public IReadOnlyList<string> IgnorePaths { get; init; } = new[] { "model.sig", ".git" };

    /// <summary>Changes the statement before it is signed.</summary>
    public Action<JsonObject>? EditStatement { get; init; }

    /// <summary>Changes the bundle after signing.</summary>
    public Action<JsonObject>? EditBundle { get; init; }

    /// <summary>Signs <paramref name="folder"/> with an ECDSA key (key mode) and writes model.sig.</summary>
    public void SignWithKey(string folder, ECDsa key)
    {
        var payload = Statement(folder);
        var signature = key.SignData(Pae(payload), HashFor(key.KeySize), DSASignatureFormat.Rfc3279DerSequence);
        var material = new JsonObject { ["publicKey"] = new JsonObject { ["hint"] = PemHint(key.ExportSubjectPublicKeyInfo()) }, ["tlogEntries"] = new JsonArray() };
        Write(folder, payload, signature, material);
    }

    /// <summary>Signs with the key of <paramref name="leaf"/> and puts the leaf and <paramref name="chain"/> in the bundle.</summary>
    public void SignWithCertificate(string folder, X509Certificate2 leaf, params X509Certificate2[] chain)
    {
        var payload = Statement(folder);
        using var key = leaf.GetECDsaPrivateKey() ?? throw new ArgumentException("The certificate has no ECDSA private key.", nameof(leaf));
        var signature = key.SignData(Pae(payload), HashFor(key.KeySize), DSASignatureFormat.Rfc3279DerSequence);
        var certificates = new JsonArray();
        foreach (var certificate in new[] { leaf }.Concat(chain))
        {
            certificates.Add(new JsonObject { ["rawBytes"] = Convert.ToBase64String(certificate.RawData) });
        }

        var material = new JsonObject { ["x509CertificateChain"] = new JsonObject { ["certificates"] = certificates }, ["tlogEntries"] = new JsonArray() };
        Write(folder, payload, signature, material);
    }

    /// <summary>A CA (self-signed) and a leaf it issued, both ECDSA P-256, valid from yesterday for a year.</summary>
    public static (X509Certificate2 Ca, X509Certificate2 Leaf) CreateCertificateChain(string caName = "CN=test-ca", bool leafMaySign = true)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest(caName, caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        var now = DateTimeOffset.UtcNow;
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=publisher", leafKey, HashAlgorithmName.SHA256);
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(leafMaySign ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment, true));
        var serial = new byte[] { 1, 2, 3, 4 };
        using var leafPublic = leafRequest.Create(ca, now.AddHours(-1), now.AddDays(30), serial);
        return (ca, leafPublic.CopyWithPrivateKey(leafKey));
    }

    public static byte[] Pae(byte[] payload)
    {
        var header = Encoding.UTF8.GetBytes($"DSSEv1 {PayloadType.Length} {PayloadType} {payload.Length} ");
        return header.Concat(payload).ToArray();
    }

    private static HashAlgorithmName HashFor(int keySize) => keySize switch
    {
        384 => HashAlgorithmName.SHA384,
        521 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    private static string PemHint(byte[] spki)
    {
        var pem = new string(PemEncoding.Write("PUBLIC KEY", spki)) + "\n";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(pem)));
    }

    private byte[] Statement(string folder)
    {
        var resources = new JsonArray();
        using var root = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, digest) in Resources(folder))
        {
            resources.Add(new JsonObject { ["algorithm"] = Method == "files" ? "sha256" : $"sha256-sharded-{ShardSize}", ["digest"] = Convert.ToHexStringLower(digest), ["name"] = name });
            root.AppendData(digest);
        }

        var serialization = new JsonObject { ["method"] = Method, ["hash_type"] = "sha256", ["allow_symlinks"] = AllowSymlinks, ["ignore_paths"] = new JsonArray(IgnorePaths.Select(p => (JsonNode)p!).ToArray()) };
        if (Method == "shards")
        {
            serialization["shard_size"] = ShardSize;
        }

        var statement = new JsonObject
        {
            ["_type"] = "https://in-toto.io/Statement/v1",
            ["subject"] = new JsonArray(new JsonObject { ["name"] = Path.GetFileName(folder), ["digest"] = new JsonObject { ["sha256"] = Convert.ToHexStringLower(root.GetHashAndReset()) } }),
            ["predicateType"] = "https://model_signing/signature/v1.0",
            ["predicate"] = new JsonObject { ["serialization"] = serialization, ["resources"] = resources },
        };
        EditStatement?.Invoke(statement);
        return Encoding.UTF8.GetBytes(statement.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }

    private IEnumerable<(string Name, byte[] Digest)> Resources(string folder)
    {
        var files = Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !IgnorePaths.Any(i => f == i || f.StartsWith(i + "/", StringComparison.Ordinal)))
            .OrderBy(f => f, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(folder, file));
            if (Method == "files")
            {
                yield return (file, SHA256.HashData(bytes));
                continue;
            }

            for (long start = 0; start < bytes.Length; start += ShardSize)
            {
                var end = Math.Min(start + ShardSize, bytes.Length);
                yield return ($"{file}:{start}:{end}", SHA256.HashData(bytes.AsSpan((int)start, (int)(end - start))));
            }
        }
    }

    private void Write(string folder, byte[] payload, byte[] signature, JsonObject material)
    {
        var bundle = new JsonObject
        {
            ["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json",
            ["verificationMaterial"] = material,
            ["dsseEnvelope"] = new JsonObject
            {
                ["payload"] = Convert.ToBase64String(payload),
                ["payloadType"] = PayloadType,
                ["signatures"] = new JsonArray(new JsonObject { ["sig"] = Convert.ToBase64String(signature), ["keyid"] = string.Empty }),
            },
        };
        EditBundle?.Invoke(bundle);
        File.WriteAllText(Path.Combine(folder, "model.sig"), bundle.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
