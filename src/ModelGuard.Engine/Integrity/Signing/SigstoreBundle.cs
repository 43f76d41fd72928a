using System;
using System.Collections.Generic;
using System.Text;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// A Sigstore bundle (protobuf-specs <c>dev.sigstore.bundle.v1.Bundle</c>, media types v0.1 to v0.3) holding a DSSE envelope,
/// as model_signing writes <c>model.sig</c>. Only what verification needs is kept.
/// </summary>
internal sealed class SigstoreBundle
{
    private static readonly string[] MediaTypes =
    {
        "application/vnd.dev.sigstore.bundle+json;version=0.1",
        "application/vnd.dev.sigstore.bundle+json;version=0.2",
        "application/vnd.dev.sigstore.bundle+json;version=0.3",
        "application/vnd.dev.sigstore.bundle.v0.3+json",
    };

    private SigstoreBundle()
    {
    }

    /// <summary>The bundle's media type.</summary>
    public string MediaType { get; private set; } = string.Empty;

    /// <summary>The version, 1 to 3 (for v0.1 to v0.3).</summary>
    public int MinorVersion { get; private set; }

    /// <summary>The hint of <c>verificationMaterial.publicKey</c> when the bundle was signed with a key (may be empty), else null.</summary>
    public string? PublicKeyHint { get; private set; }

    /// <summary>Whether the verification material is a public key (key mode).</summary>
    public bool HasPublicKey { get; private set; }

    /// <summary>The signing certificate and any chain after it (certificate and Sigstore modes); empty in key mode.</summary>
    public IReadOnlyList<SigningCertificate> Certificates { get; private set; } = Array.Empty<SigningCertificate>();

    /// <summary>Transparency-log entries.</summary>
    public IReadOnlyList<TransparencyLogEntry> TlogEntries { get; private set; } = Array.Empty<TransparencyLogEntry>();

    /// <summary>The RFC 3161 timestamp responses (DER) over the signature.</summary>
    public IReadOnlyList<byte[]> Rfc3161Timestamps { get; private set; } = Array.Empty<byte[]>();

    /// <summary>The DSSE payload (the in-toto statement bytes).</summary>
    public byte[] Payload { get; private set; } = Array.Empty<byte>();

    /// <summary>The DSSE payload type.</summary>
    public string PayloadType { get; private set; } = string.Empty;

    /// <summary>The one DSSE signature (DER ECDSA).</summary>
    public byte[] Signature { get; private set; } = Array.Empty<byte>();

    /// <summary>DSSE's pre-authentication encoding of the payload: what the signature is over.</summary>
    public byte[] PreAuthenticationEncoding()
    {
        var header = Encoding.UTF8.GetBytes($"DSSEv1 {Encoding.UTF8.GetByteCount(PayloadType)} {PayloadType} {Payload.Length} ");
        var result = new byte[header.Length + Payload.Length];
        header.CopyTo(result, 0);
        Payload.CopyTo(result, header.Length);
        return result;
    }

    /// <summary>Reads a bundle.</summary>
    /// <exception cref="SignatureFormatException">Not a bundle this verifier supports.</exception>
    public static SigstoreBundle Parse(byte[] content)
    {
        var root = SigningJson.ParseObject(content, "signature file");
        var bundle = new SigstoreBundle { MediaType = SigningJson.RequiredString(root, "mediaType", "bundle") };
        var index = Array.IndexOf(MediaTypes, bundle.MediaType);
        if (index < 0)
        {
            throw new SignatureFormatException($"the bundle media type '{bundle.MediaType}' is not a supported Sigstore bundle version (0.1 to 0.3)");
        }

        bundle.MinorVersion = Math.Min(index + 1, 3);
        if (root.Last("messageSignature") is not null)
        {
            throw new SignatureFormatException("the bundle holds a message signature, not a DSSE envelope (model_signing signs in-toto statements)");
        }

        bundle.ReadMaterial(SigningJson.RequiredObject(root, "verificationMaterial", "bundle"));
        bundle.ReadEnvelope(SigningJson.RequiredObject(root, "dsseEnvelope", "bundle"));
        return bundle;
    }

    private void ReadMaterial(JsonObjectNode material)
    {
        const string where = "bundle.verificationMaterial";
        var publicKey = SigningJson.OptionalObject(material, "publicKey", where);
        var chain = SigningJson.OptionalObject(material, "x509CertificateChain", where);
        var certificate = SigningJson.OptionalObject(material, "certificate", where);
        if ((publicKey is null ? 0 : 1) + (chain is null ? 0 : 1) + (certificate is null ? 0 : 1) != 1)
        {
            throw new SignatureFormatException($"{where} must have exactly one of publicKey, x509CertificateChain and certificate");
        }

        if (publicKey is not null)
        {
            HasPublicKey = true;
            PublicKeyHint = SigningJson.OptionalString(publicKey, "hint", where + ".publicKey") ?? string.Empty;
        }
        else if (certificate is not null)
        {
            Certificates = new[] { ReadCertificate(certificate, where + ".certificate") };
        }
        else
        {
            var list = new List<SigningCertificate>();
            foreach (var item in SigningJson.OptionalArray(chain!, "certificates", where + ".x509CertificateChain"))
            {
                list.Add(ReadCertificate(SigningJson.AsObject(item, where + ".x509CertificateChain.certificates[]"), where + ".x509CertificateChain.certificates[]"));
            }

            Certificates = list.Count > 0 ? list : throw new SignatureFormatException($"{where}.x509CertificateChain has no certificate");
        }

        var entries = new List<TransparencyLogEntry>();
        foreach (var item in SigningJson.OptionalArray(material, "tlogEntries", where))
        {
            entries.Add(TransparencyLogEntry.Parse(SigningJson.AsObject(item, where + ".tlogEntries[]")));
        }

        TlogEntries = entries;
        if (SigningJson.OptionalObject(material, "timestampVerificationData", where) is { } timestamps)
        {
            var list = new List<byte[]>();
            foreach (var item in SigningJson.OptionalArray(timestamps, "rfc3161Timestamps", where + ".timestampVerificationData"))
            {
                list.Add(SigningJson.RequiredBase64(SigningJson.AsObject(item, where + ".timestampVerificationData.rfc3161Timestamps[]"), "signedTimestamp", where + ".timestampVerificationData.rfc3161Timestamps[]"));
            }

            Rfc3161Timestamps = list;
        }
    }

    private static SigningCertificate ReadCertificate(JsonObjectNode node, string where)
    {
        var der = SigningJson.RequiredBase64(node, "rawBytes", where);
        try
        {
            return SigningCertificate.FromDer(der);
        }
        catch (SignatureFormatException ex)
        {
            throw new SignatureFormatException($"{where}: {ex.Message}");
        }
    }

    private void ReadEnvelope(JsonObjectNode envelope)
    {
        const string where = "bundle.dsseEnvelope";
        Payload = SigningJson.RequiredBase64(envelope, "payload", where);
        PayloadType = SigningJson.RequiredString(envelope, "payloadType", where);
        var signatures = SigningJson.OptionalArray(envelope, "signatures", where);
        if (signatures.Count != 1)
        {
            throw new SignatureFormatException($"{where} must have exactly one signature, it has {signatures.Count}");
        }

        Signature = SigningJson.RequiredBase64(SigningJson.AsObject(signatures[0], where + ".signatures[0]"), "sig", where + ".signatures[0]");
    }
}
