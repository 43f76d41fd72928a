using System;
using System.Security.Cryptography;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// A public key from a SubjectPublicKeyInfo, decoded here (netstandard2.0 has no ImportSubjectPublicKeyInfo) and handed to the
/// platform's ECDsa/RSA as parameters. ECDSA on P-256/P-384/P-521 (what model_signing, Fulcio and Rekor use) and RSA PKCS#1 v1.5
/// (CA certificates) are supported; anything else, Ed25519 included, is refused rather than skipped.
/// </summary>
public sealed class SigningPublicKey
{
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaEncryptionOid = "1.2.840.113549.1.1.1";
    private const string Ed25519Oid = "1.3.101.112";

    private readonly ECParameters? _ec;
    private readonly RSAParameters? _rsa;

    private SigningPublicKey(byte[] spki, string description, ECParameters? ec, RSAParameters? rsa)
    {
        SubjectPublicKeyInfo = spki;
        Description = description;
        _ec = ec;
        _rsa = rsa;
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>For messages: "ECDSA P-256", "RSA 3072".</summary>
    public string Description { get; }

    /// <summary>The ECDSA curve size in bits, or 0 for RSA.</summary>
    public int CurveBits => _ec is { } ec ? (ec.Q.X!.Length * 8) switch { 528 => 521, var bits => bits } : 0;

    /// <summary>SHA-256 of the DER SubjectPublicKeyInfo: Sigstore's key and log ID.</summary>
    public byte[] KeyId()
    {
        using var sha = SHA256.Create();
        return sha.ComputeHash(SubjectPublicKeyInfo);
    }

    /// <summary>
    /// SHA-256 (hex) of the key as a PEM "PUBLIC KEY" block with 64-character lines: the <c>publicKey.hint</c> model_signing writes.
    /// </summary>
    public string PemHint()
    {
        var base64 = Convert.ToBase64String(SubjectPublicKeyInfo);
        var pem = new System.Text.StringBuilder("-----BEGIN PUBLIC KEY-----\n");
        for (var i = 0; i < base64.Length; i += 64)
        {
            pem.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
        }

        pem.Append("-----END PUBLIC KEY-----\n");
        using var sha = SHA256.Create();
        return Hex.Encode(sha.ComputeHash(System.Text.Encoding.ASCII.GetBytes(pem.ToString())));
    }

    /// <summary>Decodes a DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="SignatureFormatException">Malformed, or an algorithm or curve that is not supported.</exception>
    public static SigningPublicKey FromSubjectPublicKeyInfo(ReadOnlySpan<byte> der)
    {
        var outer = new DerReader(der);
        var spkiReader = outer.ReadSequence();
        outer.End();
        var algorithm = spkiReader.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        var key = spkiReader.ReadBitString();
        spkiReader.End();
        switch (oid)
        {
            case EcPublicKeyOid:
                var curveOid = algorithm.ReadObjectIdentifier();
                algorithm.End();
                var (curve, size, name) = curveOid switch
                {
                    "1.2.840.10045.3.1.7" => (ECCurve.NamedCurves.nistP256, 32, "P-256"),
                    "1.3.132.0.34" => (ECCurve.NamedCurves.nistP384, 48, "P-384"),
                    "1.3.132.0.35" => (ECCurve.NamedCurves.nistP521, 66, "P-521"),
                    _ => throw new SignatureFormatException($"the elliptic curve {curveOid} is not supported (P-256, P-384 and P-521 are)"),
                };
                if (key.Length != 1 + (2 * size) || key[0] != 0x04)
                {
                    throw new SignatureFormatException($"the {name} public key is not an uncompressed point");
                }

                var ec = new ECParameters { Curve = curve, Q = new ECPoint { X = key.Slice(1, size).ToArray(), Y = key.Slice(1 + size, size).ToArray() } };
                try
                {
                    using var check = ECDsa.Create(ec);
                }
                catch (CryptographicException)
                {
                    throw new SignatureFormatException($"the {name} public key is not a point on the curve");
                }

                return new SigningPublicKey(der.ToArray(), "ECDSA " + name, ec, null);

            case RsaEncryptionOid:
                if (algorithm.HasMore)
                {
                    algorithm.Read(DerReader.Null);
                }

                algorithm.End();
                var rsaOuter = new DerReader(key);
                var rsaKey = rsaOuter.ReadSequence();
                rsaOuter.End();
                var modulus = rsaKey.ReadUnsignedInteger().ToArray();
                var exponent = rsaKey.ReadUnsignedInteger().ToArray();
                rsaKey.End();
                if (modulus.Length < 256)
                {
                    throw new SignatureFormatException($"an RSA key of {modulus.Length * 8} bits is too weak (2048 bits at least)");
                }

                return new SigningPublicKey(der.ToArray(), $"RSA {modulus.Length * 8}", null, new RSAParameters { Modulus = modulus, Exponent = exponent });

            case Ed25519Oid:
                throw new SignatureFormatException("Ed25519 keys are not supported (model_signing signs with ECDSA keys; .NET has no Ed25519)");

            default:
                throw new SignatureFormatException($"the public key algorithm {oid} is not supported");
        }
    }

    /// <summary>Decodes the first "PUBLIC KEY" block of a PEM file (text around it, as certtool writes, is allowed).</summary>
    public static SigningPublicKey FromPem(string pem) => FromSubjectPublicKeyInfo(Pem.Decode(pem, "PUBLIC KEY"));

    /// <summary>
    /// The hash ECDSA signatures of this key use in model_signing and Sigstore: SHA-256 for P-256, SHA-384 for P-384, SHA-512 for
    /// P-521.
    /// </summary>
    public HashAlgorithmName DefaultHash => CurveBits switch
    {
        384 => HashAlgorithmName.SHA384,
        521 => HashAlgorithmName.SHA512,
        _ => HashAlgorithmName.SHA256,
    };

    /// <summary>Verifies a DER-encoded ECDSA signature, or an RSA PKCS#1 v1.5 signature, over <paramref name="data"/>.</summary>
    public bool Verify(byte[] data, byte[] signature, HashAlgorithmName hash)
    {
        try
        {
            return VerifyCore(data, signature, hash);
        }
        catch (CryptographicException)
        {
            // A point off the curve or an RSA key the platform refuses: nothing this key "signed" can be trusted.
            return false;
        }
    }

    private bool VerifyCore(byte[] data, byte[] signature, HashAlgorithmName hash)
    {
        if (_ec is { } ec)
        {
            var fieldSize = ec.Q.X!.Length;
            if (!TryDerToP1363(signature, fieldSize, out var p1363))
            {
                return false;
            }

            using var ecdsa = ECDsa.Create(ec);
            return ecdsa.VerifyData(data, p1363, hash);
        }

        using var rsa = RSA.Create();
        rsa.ImportParameters(_rsa!.Value);
        return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
    }

    /// <summary>Whether this key is the same key as <paramref name="other"/>.</summary>
    public bool SameKey(SigningPublicKey other) => SubjectPublicKeyInfo.AsSpan().SequenceEqual(other.SubjectPublicKeyInfo);

    /// <summary>ECDSA-Sig-Value (SEQUENCE of r, s) to the fixed-size r||s the platform verifies; false for anything malformed.</summary>
    private static bool TryDerToP1363(byte[] der, int fieldSize, out byte[] p1363)
    {
        p1363 = new byte[2 * fieldSize];
        try
        {
            var outer = new DerReader(der);
            var sequence = outer.ReadSequence();
            outer.End();
            var r = sequence.ReadUnsignedInteger();
            var s = sequence.ReadUnsignedInteger();
            sequence.End();
            if (r.Length > fieldSize || s.Length > fieldSize)
            {
                return false;
            }

            r.CopyTo(p1363.AsSpan(fieldSize - r.Length));
            s.CopyTo(p1363.AsSpan((2 * fieldSize) - s.Length));
            return true;
        }
        catch (SignatureFormatException)
        {
            return false;
        }
    }
}
