using System;
using System.IO;
using System.Security.Cryptography;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// The signed certificate timestamps Fulcio embeds in its certificates (RFC 6962): each one a CT log's promise that it
/// published the precertificate, so a certificate issued outside public view is refused. Checked like sigstore-js's default:
/// every SCT must verify with a CT log of the trusted root whose key was valid at the SCT's time, and at least one is needed.
/// </summary>
internal static class CertificateTransparency
{
    /// <summary>Null when the certificate's SCTs verify, else why not.</summary>
    public static string? Verify(SigningCertificate leaf, SigningCertificate issuer, SigstoreTrustedRoot root)
    {
        if (leaf.SctList is not { } list)
        {
            return "the signing certificate has no signed certificate timestamp (it was not logged in Certificate Transparency)";
        }

        try
        {
            var issuerKeyHash = SHA256Of(issuer.PublicKey.SubjectPublicKeyInfo);
            var tbs = leaf.TbsWithoutSctList();
            var position = 0;
            var total = ReadUInt(list, ref position, 2);
            if (total != list.Length - 2)
            {
                return "the signed certificate timestamp list has the wrong length";
            }

            var count = 0;
            while (position < list.Length)
            {
                var length = (int)ReadUInt(list, ref position, 2);
                var sct = Slice(list, ref position, length);
                if (!VerifyOne(sct, issuerKeyHash, tbs, root))
                {
                    return "a signed certificate timestamp does not verify with a Certificate Transparency log of the trusted root";
                }

                count++;
            }

            return count > 0 ? null : "the signing certificate's timestamp list is empty";
        }
        catch (SignatureFormatException ex)
        {
            return "the signed certificate timestamps are malformed: " + ex.Message;
        }
    }

    private static bool VerifyOne(byte[] sct, byte[] issuerKeyHash, byte[] tbs, SigstoreTrustedRoot root)
    {
        var position = 0;
        var version = Slice(sct, ref position, 1)[0];
        var logId = Slice(sct, ref position, 32);
        var timestamp = Slice(sct, ref position, 8);
        var extensions = Slice(sct, ref position, (int)ReadUInt(sct, ref position, 2));
        var hash = Slice(sct, ref position, 1)[0];
        var algorithm = Slice(sct, ref position, 1)[0];
        var signature = Slice(sct, ref position, (int)ReadUInt(sct, ref position, 2));
        if (version != 0 || position != sct.Length || algorithm != 3 || hash is not (4 or 5 or 6))
        {
            // v1 only; ECDSA (3) with SHA-256/384/512 (4/5/6) is what Sigstore's CT logs sign with.
            return false;
        }

        var log = root.FindCertificateTransparencyLog(logId);
        var milliseconds = 0L;
        foreach (var b in timestamp)
        {
            milliseconds = (milliseconds << 8) | b;
        }

        if (log is null || milliseconds < 0 || milliseconds > 253402300799999)
        {
            return false;
        }

        var time = DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
        if (time < log.Start || time > log.End)
        {
            return false;
        }

        using var signed = new MemoryStream();
        signed.WriteByte(version);
        signed.WriteByte(0);
        signed.Write(timestamp, 0, 8);
        signed.WriteByte(0);
        signed.WriteByte(1);
        signed.Write(issuerKeyHash, 0, issuerKeyHash.Length);
        signed.WriteByte((byte)(tbs.Length >> 16));
        signed.WriteByte((byte)(tbs.Length >> 8));
        signed.WriteByte((byte)tbs.Length);
        signed.Write(tbs, 0, tbs.Length);
        signed.WriteByte((byte)(extensions.Length >> 8));
        signed.WriteByte((byte)extensions.Length);
        signed.Write(extensions, 0, extensions.Length);
        var hashName = hash switch { 5 => HashAlgorithmName.SHA384, 6 => HashAlgorithmName.SHA512, _ => HashAlgorithmName.SHA256 };
        return log.Key.Verify(signed.ToArray(), signature, hashName);
    }

    private static long ReadUInt(byte[] data, ref int position, int size)
    {
        var bytes = Slice(data, ref position, size);
        long value = 0;
        foreach (var b in bytes)
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static byte[] Slice(byte[] data, ref int position, int length)
    {
        if (length < 0 || length > data.Length - position)
        {
            throw new SignatureFormatException("a field runs past the end");
        }

        var result = new byte[length];
        Array.Copy(data, position, result, 0, length);
        position += length;
        return result;
    }

    private static byte[] SHA256Of(byte[] data)
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(data);
    }
}
