using System;
using System.Collections.Generic;
using System.Security.Cryptography;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// An X.509 certificate decoded for chain and identity checks: what was signed (the TBS bytes), by which algorithm, the validity,
/// the key, and the extensions Sigstore and model_signing rely on. An unknown critical extension makes the certificate unusable
/// (RFC 5280 6.1.4), so it is refused here rather than ignored.
/// </summary>
public sealed class SigningCertificate
{
    /// <summary>Fulcio's OIDC issuer extension, a raw string (deprecated, still written).</summary>
    public const string FulcioIssuerV1Oid = "1.3.6.1.4.1.57264.1.1";

    /// <summary>Fulcio's OIDC issuer extension, a DER UTF8String.</summary>
    public const string FulcioIssuerV2Oid = "1.3.6.1.4.1.57264.1.8";

    private const string CodeSigningOid = "1.3.6.1.5.5.7.3.3";

    /// <summary>RFC 6962 embedded signed certificate timestamps.</summary>
    private const string SctListOid = "1.3.6.1.4.1.11129.2.4.2";

    private static readonly HashSet<string> UnderstoodCritical = new(StringComparer.Ordinal)
    {
        "2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17",
    };

    private SigningCertificate(byte[] der)
    {
        Der = der;
    }

    /// <summary>The whole DER encoding.</summary>
    public byte[] Der { get; }

    internal byte[] Tbs { get; private set; } = Array.Empty<byte>();

    internal string SignatureAlgorithm { get; private set; } = string.Empty;

    internal byte[] Signature { get; private set; } = Array.Empty<byte>();

    internal byte[] IssuerName { get; private set; } = Array.Empty<byte>();

    internal byte[] SerialNumber { get; private set; } = Array.Empty<byte>();

    internal byte[] SubjectName { get; private set; } = Array.Empty<byte>();

    /// <summary>Start of validity.</summary>
    public DateTimeOffset NotBefore { get; private set; }

    /// <summary>End of validity.</summary>
    public DateTimeOffset NotAfter { get; private set; }

    /// <summary>The subject's key.</summary>
    public SigningPublicKey PublicKey { get; private set; } = null!;

    /// <summary>basicConstraints cA.</summary>
    public bool IsCertificateAuthority { get; private set; }

    /// <summary>keyUsage, when present: bit 0 digitalSignature ... bit 5 keyCertSign.</summary>
    public int? KeyUsage { get; private set; }

    /// <summary>Extended key usages (OIDs); empty when the extension is absent.</summary>
    public IReadOnlyList<string> ExtendedKeyUsages { get; private set; } = Array.Empty<string>();

    /// <summary>Subject alternative names: e-mail addresses, URIs and DNS names, as text.</summary>
    public IReadOnlyList<string> SubjectAlternativeNames { get; private set; } = Array.Empty<string>();

    /// <summary>The TLS-encoded SignedCertificateTimestampList embedded by the issuing CA, or null.</summary>
    internal byte[]? SctList { get; private set; }

    /// <summary>The OIDC issuer Fulcio recorded (the V2 extension, else the V1 one), or null.</summary>
    public string? OidcIssuer { get; private set; }

    /// <summary>SHA-256 of the DER, hex, for messages.</summary>
    public string Fingerprint()
    {
        using var sha = SHA256.Create();
        return Hex.Encode(sha.ComputeHash(Der));
    }

    /// <summary>Whether the key may sign content: keyUsage digitalSignature or extended key usage code signing.</summary>
    public bool MaySignContent => (KeyUsage is { } ku && (ku & 1) != 0) || ContainsOid(ExtendedKeyUsages, CodeSigningOid);

    /// <summary>Whether the certificate may issue certificates: a CA whose keyUsage, if any, has keyCertSign.</summary>
    public bool MayIssueCertificates => IsCertificateAuthority && (KeyUsage is not { } ku || (ku & (1 << 5)) != 0);

    /// <summary>Whether the extended key usage names code signing (Fulcio leaves do).</summary>
    public bool HasCodeSigningUsage => ContainsOid(ExtendedKeyUsages, CodeSigningOid);

    /// <summary>Whether <paramref name="time"/> lies inside the validity period (both ends included, as RFC 5280 says).</summary>
    public bool IsValidAt(DateTimeOffset time) => time >= NotBefore && time <= NotAfter;

    /// <summary>Whether this certificate's key signed <paramref name="child"/> and its name is the child's issuer.</summary>
    public bool Issued(SigningCertificate child) =>
        child.IssuerName.AsSpan().SequenceEqual(SubjectName) && PublicKey.Verify(child.Tbs, child.Signature, child.SignatureHash());

    /// <summary>Decodes a DER certificate.</summary>
    /// <exception cref="SignatureFormatException">Malformed, or an algorithm or critical extension that is not supported.</exception>
    public static SigningCertificate FromDer(byte[] der)
    {
        var certificate = new SigningCertificate(der);
        var outer = new DerReader(der);
        var sequence = outer.ReadSequence();
        outer.End();
        sequence.Read(DerReader.Sequence, out var tbsEncoded);
        certificate.Tbs = tbsEncoded.ToArray();
        var algorithm = sequence.ReadSequence();
        certificate.SignatureAlgorithm = algorithm.ReadObjectIdentifier();
        certificate.Signature = sequence.ReadBitString().ToArray();
        sequence.End();
        _ = certificate.SignatureHash();

        var outerTbs = new DerReader(certificate.Tbs);
        var tbs = outerTbs.ReadSequence();
        outerTbs.End();
        if (!tbs.TryRead(0xA0, out var version) || !version.SequenceEqual(new byte[] { DerReader.Integer, 1, 2 }))
        {
            throw new SignatureFormatException("only X.509 version 3 certificates are supported");
        }

        certificate.SerialNumber = tbs.Read(DerReader.Integer).ToArray();
        var innerAlgorithm = tbs.ReadSequence();
        if (innerAlgorithm.ReadObjectIdentifier() != certificate.SignatureAlgorithm)
        {
            throw new SignatureFormatException("the certificate names two different signature algorithms");
        }

        tbs.Read(DerReader.Sequence, out var issuer);
        certificate.IssuerName = issuer.ToArray();
        var validity = tbs.ReadSequence();
        certificate.NotBefore = validity.ReadTime();
        certificate.NotAfter = validity.ReadTime();
        validity.End();
        tbs.Read(DerReader.Sequence, out var subject);
        certificate.SubjectName = subject.ToArray();
        tbs.Read(DerReader.Sequence, out var spki);
        certificate.PublicKey = SigningPublicKey.FromSubjectPublicKeyInfo(spki);
        tbs.TryRead(0x81, out _);
        tbs.TryRead(0x82, out _);
        if (tbs.TryRead(0xA3, out var extensionsWrapper))
        {
            var wrapper = new DerReader(extensionsWrapper);
            var extensions = wrapper.ReadSequence();
            wrapper.End();
            certificate.ReadExtensions(ref extensions);
        }

        tbs.End();
        return certificate;
    }

    /// <summary>The hash of the certificate's signature algorithm.</summary>
    internal HashAlgorithmName SignatureHash() => SignatureAlgorithm switch
    {
        "1.2.840.10045.4.3.2" or "1.2.840.113549.1.1.11" => HashAlgorithmName.SHA256,
        "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
        "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" => HashAlgorithmName.SHA512,
        _ => throw new SignatureFormatException($"the certificate signature algorithm {SignatureAlgorithm} is not supported"),
    };

    /// <summary>The TBS certificate re-encoded without the SCT extension: what a CT log signed (RFC 6962 3.2, the precertificate).</summary>
    internal byte[] TbsWithoutSctList()
    {
        var outer = new DerReader(Tbs);
        var tbs = outer.ReadSequence();
        var parts = new System.IO.MemoryStream();
        while (tbs.HasMore)
        {
            var tag = tbs.PeekTag();
            tbs.Read(tag, out var element);
            if (tag != 0xA3)
            {
                parts.Write(element.ToArray(), 0, element.Length);
                continue;
            }

            var wrapper = new DerReader(element);
            var extensionsOuter = new DerReader(wrapper.Read(0xA3));
            var extensions = extensionsOuter.ReadSequence();
            var kept = new System.IO.MemoryStream();
            while (extensions.HasMore)
            {
                extensions.Read(DerReader.Sequence, out var extension);
                var extensionReader = new DerReader(extension);
                if (extensionReader.ReadSequence().ReadObjectIdentifier() != SctListOid)
                {
                    kept.Write(extension.ToArray(), 0, extension.Length);
                }
            }

            var rebuilt = DerReader.Encode(0xA3, DerReader.Encode(DerReader.Sequence, kept.ToArray()));
            parts.Write(rebuilt, 0, rebuilt.Length);
        }

        return DerReader.Encode(DerReader.Sequence, parts.ToArray());
    }

    private static bool ContainsOid(IReadOnlyList<string> oids, string oid)
    {
        foreach (var item in oids)
        {
            if (item == oid)
            {
                return true;
            }
        }

        return false;
    }

    private void ReadExtensions(ref DerReader extensions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (extensions.HasMore)
        {
            var extension = extensions.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.TryRead(DerReader.Boolean, out var flag) && flag.Length == 1 && flag[0] != 0;
            var value = extension.Read(DerReader.OctetString);
            extension.End();
            if (!seen.Add(oid))
            {
                throw new SignatureFormatException($"the certificate has the extension {oid} twice");
            }

            if (critical && !UnderstoodCritical.Contains(oid))
            {
                throw new SignatureFormatException($"the certificate has a critical extension ModelGuard does not understand ({oid})");
            }

            var reader = new DerReader(value);
            switch (oid)
            {
                case "2.5.29.19":
                    var constraints = reader.ReadSequence();
                    IsCertificateAuthority = constraints.TryRead(DerReader.Boolean, out var ca) && ca.Length == 1 && ca[0] != 0;
                    break;
                case "2.5.29.15":
                    var bits = reader.Read(DerReader.BitString);
                    KeyUsage = bits.Length switch
                    {
                        < 2 => 0,
                        2 => ReverseBits(bits[1]),
                        _ => ReverseBits(bits[1]) | (ReverseBits(bits[2]) << 8),
                    };
                    break;
                case "2.5.29.37":
                    var usages = new List<string>();
                    var ekuSequence = reader.ReadSequence();
                    while (ekuSequence.HasMore)
                    {
                        usages.Add(ekuSequence.ReadObjectIdentifier());
                    }

                    ExtendedKeyUsages = usages;
                    break;
                case "2.5.29.17":
                    SubjectAlternativeNames = ReadAlternativeNames(reader.ReadSequence());
                    break;
                case FulcioIssuerV1Oid:
                    OidcIssuer ??= System.Text.Encoding.UTF8.GetString(value.ToArray());
                    continue;
                case SctListOid:
                    SctList = reader.Read(DerReader.OctetString).ToArray();
                    break;
                case FulcioIssuerV2Oid:
                    OidcIssuer = System.Text.Encoding.UTF8.GetString(reader.Read(DerReader.Utf8String).ToArray());
                    break;
                default:
                    continue;
            }

            reader.End();
        }
    }

    private static List<string> ReadAlternativeNames(DerReader names)
    {
        var result = new List<string>();
        while (names.HasMore)
        {
            var tag = names.PeekTag();
            var content = names.Read(tag);

            // rfc822Name [1], dNSName [2], uniformResourceIdentifier [6]: IA5 strings; other forms are not identities Sigstore issues.
            if (tag is 0x81 or 0x82 or 0x86)
            {
                result.Add(System.Text.Encoding.ASCII.GetString(content.ToArray()));
            }
        }

        return result;
    }

    private static int ReverseBits(byte b)
    {
        var result = 0;
        for (var i = 0; i < 8; i++)
        {
            if ((b & (0x80 >> i)) != 0)
            {
                result |= 1 << i;
            }
        }

        return result;
    }
}
