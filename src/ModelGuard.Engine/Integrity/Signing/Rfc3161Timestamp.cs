using System;
using System.Collections.Generic;
using System.Security.Cryptography;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// An RFC 3161 timestamp over the DSSE signature, as Sigstore's timestamp authority issues them: a TimeStampResp whose CMS
/// SignedData carries a TSTInfo. Verified like sigstore-js: the message imprint is the hash of the signature bytes, the signed
/// attributes' message digest is the hash of the TSTInfo, the signer (issuer and serial) is the leaf of a timestamp authority of
/// the trusted root that was valid at genTime, and its key signed the attributes.
/// </summary>
internal static class Rfc3161Timestamp
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string TstInfoOid = "1.2.840.113549.1.9.16.1.4";
    private const string MessageDigestOid = "1.2.840.113549.1.9.4";

    /// <summary>Returns the verified genTime or throws <see cref="TransparencyLogException"/>.</summary>
    public static DateTimeOffset Verify(byte[] response, byte[] signedData, SigstoreTrustedRoot root)
    {
        try
        {
            return VerifyCore(response, signedData, root);
        }
        catch (SignatureFormatException ex)
        {
            throw new TransparencyLogException("the RFC 3161 timestamp is malformed: " + ex.Message);
        }
    }

    private static DateTimeOffset VerifyCore(byte[] response, byte[] signedData, SigstoreTrustedRoot root)
    {
        var outer = new DerReader(response);
        var resp = outer.ReadSequence();
        outer.End();
        var status = resp.ReadSequence();
        var statusValue = status.Read(DerReader.Integer);
        if (statusValue.Length != 1 || statusValue[0] > 1)
        {
            throw new TransparencyLogException("the RFC 3161 timestamp response was not granted");
        }

        var token = resp.ReadSequence();
        if (token.ReadObjectIdentifier() != SignedDataOid)
        {
            throw new TransparencyLogException("the RFC 3161 timestamp is not CMS signed data");
        }

        var explicitContent = new DerReader(token.Read(0xA0));
        var sd = explicitContent.ReadSequence();
        sd.Read(DerReader.Integer);
        sd.Read(DerReader.Set);
        var encap = sd.ReadSequence();
        if (encap.ReadObjectIdentifier() != TstInfoOid)
        {
            throw new TransparencyLogException("the RFC 3161 timestamp does not hold a TSTInfo");
        }

        var encapContent = new DerReader(encap.Read(0xA0));
        var tstInfoDer = encapContent.Read(DerReader.OctetString).ToArray();
        sd.TryRead(0xA0, out _);
        sd.TryRead(0xA1, out _);
        var signerInfos = new DerReader(sd.Read(DerReader.Set));
        var signerInfo = signerInfos.ReadSequence();
        signerInfo.Read(DerReader.Integer);
        var sid = signerInfo.ReadSequence();
        sid.Read(DerReader.Sequence, out var sidIssuer);
        var sidSerial = sid.Read(DerReader.Integer);
        var digestAlgorithm = HashOf(signerInfo.ReadSequence().ReadObjectIdentifier());
        signerInfo.Read(0xA0, out var signedAttributesEncoded);
        var signatureHash = SignatureHashOf(signerInfo.ReadSequence().ReadObjectIdentifier());
        var signature = signerInfo.Read(DerReader.OctetString).ToArray();

        // TSTInfo: version, policy, messageImprint, serialNumber, genTime, ...
        var tstOuter = new DerReader(tstInfoDer);
        var tst = tstOuter.ReadSequence();
        tst.Read(DerReader.Integer);
        tst.ReadObjectIdentifier();
        var imprint = tst.ReadSequence();
        var imprintHash = HashOf(imprint.ReadSequence().ReadObjectIdentifier());
        var hashedMessage = imprint.Read(DerReader.OctetString);
        tst.Read(DerReader.Integer);
        var genTime = ReadGeneralizedTime(tst.Read(DerReader.GeneralizedTime));
        if (!hashedMessage.SequenceEqual(Hash(imprintHash, signedData)))
        {
            throw new TransparencyLogException("the RFC 3161 timestamp is over other data than the signature");
        }

        if (!MessageDigest(signedAttributesEncoded).SequenceEqual(Hash(digestAlgorithm, tstInfoDer)))
        {
            throw new TransparencyLogException("the RFC 3161 timestamp's signed attributes do not match its TSTInfo");
        }

        var attributes = signedAttributesEncoded.ToArray();
        attributes[0] = DerReader.Set;
        foreach (var authority in root.TimestampAuthorities)
        {
            var leaf = authority.Chain[0];
            if (!leaf.IssuerName.AsSpan().SequenceEqual(sidIssuer) || !leaf.SerialNumber.AsSpan().SequenceEqual(sidSerial))
            {
                continue;
            }

            if (authority.Validate(leaf, genTime) is null && leaf.PublicKey.Verify(attributes, signature, signatureHash))
            {
                return genTime;
            }
        }

        throw new TransparencyLogException("the RFC 3161 timestamp does not verify with a timestamp authority of the trusted root");
    }

    private static byte[] MessageDigest(ReadOnlySpan<byte> signedAttributesEncoded)
    {
        var wrapper = new DerReader(signedAttributesEncoded);
        var attributes = new DerReader(wrapper.Read(0xA0));
        while (attributes.HasMore)
        {
            var attribute = attributes.ReadSequence();
            if (attribute.ReadObjectIdentifier() == MessageDigestOid)
            {
                var values = new DerReader(attribute.Read(DerReader.Set));
                return values.Read(DerReader.OctetString).ToArray();
            }
        }

        throw new TransparencyLogException("the RFC 3161 timestamp has no message digest attribute");
    }

    private static DateTimeOffset ReadGeneralizedTime(ReadOnlySpan<byte> content)
    {
        // RFC 3161 allows fractional seconds: YYYYMMDDhhmmss[.f*]Z.
        var text = System.Text.Encoding.ASCII.GetString(content.ToArray());
        var formats = new[] { "yyyyMMddHHmmss'Z'", "yyyyMMddHHmmss.FFFFFFF'Z'" };
        return DateTimeOffset.TryParseExact(text, formats, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new TransparencyLogException($"the RFC 3161 timestamp's time '{text}' is not valid");
    }

    private static HashAlgorithmName HashOf(string oid) => oid switch
    {
        "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
        "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
        "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
        _ => throw new TransparencyLogException($"the RFC 3161 timestamp uses the hash {oid}, which is not supported"),
    };

    private static HashAlgorithmName SignatureHashOf(string oid) => oid switch
    {
        "1.2.840.10045.4.3.2" => HashAlgorithmName.SHA256,
        "1.2.840.10045.4.3.3" => HashAlgorithmName.SHA384,
        "1.2.840.10045.4.3.4" => HashAlgorithmName.SHA512,
        _ => throw new TransparencyLogException($"the RFC 3161 timestamp signature algorithm {oid} is not supported"),
    };

    private static byte[] Hash(HashAlgorithmName name, byte[] data)
    {
        using var hash = IncrementalHash.CreateHash(name);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }
}
