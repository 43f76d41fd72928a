using System;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// Checks a Rekor entry offline, the way sigstore-js and sigstore-python do: the entry body must describe this very envelope
/// (payload hash, signature, certificate), the signed entry timestamp must verify with a trusted log key, the inclusion proof
/// must lead to the root of a checkpoint the log signed, and the log time must fall in the certificate's validity.
/// Supported: "dsse" 0.0.1 entries of Rekor v1 (what model_signing's Sigstore signing writes). Rekor v2 entries (Ed25519
/// checkpoints) are not verified, so such bundles fail closed.
/// </summary>
internal static class RekorEntryVerifier
{
    /// <summary>
    /// Verifies the entry; returns its integrated time when a signed entry timestamp vouches for it, null when the entry has
    /// only an inclusion proof (its time is then not authenticated). Throws <see cref="TransparencyLogException"/>.
    /// </summary>
    public static DateTimeOffset? Verify(TransparencyLogEntry entry, SigstoreBundle bundle, SigningCertificate leaf, SigstoreTrustedRoot root)
    {
        if (entry.Kind != "dsse" || entry.KindVersion != "0.0.1")
        {
            throw new TransparencyLogException($"the log entry kind '{entry.Kind}' {entry.KindVersion} is not supported (dsse 0.0.1 is)");
        }

        CheckBody(entry, bundle, leaf);
        var log = root.FindLog(entry.LogId) ?? throw new TransparencyLogException($"the entry is from a transparency log the trusted root does not list (log ID {Convert.ToBase64String(entry.LogId)})");
        if (entry.IntegratedTime > 253402300799)
        {
            throw new TransparencyLogException($"the entry's integrated time {entry.IntegratedTime} is not a time");
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(entry.IntegratedTime);
        if (time < log.Start || time > log.End)
        {
            throw new TransparencyLogException($"the entry was logged at {time:u}, outside the period the log's key is trusted for");
        }

        if (entry.SignedEntryTimestamp is { } set)
        {
            var promise = "{\"body\":\"" + Convert.ToBase64String(entry.CanonicalizedBody) + "\",\"integratedTime\":" + entry.IntegratedTime.ToString(CultureInfo.InvariantCulture)
                + ",\"logID\":\"" + Hex.Encode(entry.LogId) + "\",\"logIndex\":" + entry.LogIndex.ToString(CultureInfo.InvariantCulture) + "}";
            if (!log.Key.Verify(Encoding.UTF8.GetBytes(promise), set, HashAlgorithmName.SHA256))
            {
                throw new TransparencyLogException("the signed entry timestamp does not verify with the log's key");
            }
        }

        if (entry.Proof is { } proof)
        {
            CheckInclusion(entry, proof, log);
        }
        else if (bundle.MinorVersion >= 2 || entry.SignedEntryTimestamp is null)
        {
            throw new TransparencyLogException("the entry has no inclusion proof (bundles v0.2 and later must carry one)");
        }

        return entry.SignedEntryTimestamp is null ? null : time;
    }

    private static void CheckBody(TransparencyLogEntry entry, SigstoreBundle bundle, SigningCertificate leaf)
    {
        const string where = "log entry body";
        try
        {
            var body = SigningJson.ParseObject(entry.CanonicalizedBody, where);
            if (SigningJson.RequiredString(body, "kind", where) != "dsse" || SigningJson.RequiredString(body, "apiVersion", where) != "0.0.1")
            {
                throw new TransparencyLogException("the log entry body is not the kind its kindVersion says");
            }

            var spec = SigningJson.RequiredObject(body, "spec", where);
            var payloadHash = SigningJson.RequiredObject(spec, "payloadHash", where);
            using var sha = SHA256.Create();
            if (SigningJson.RequiredString(payloadHash, "algorithm", where) != "sha256" || SigningJson.RequiredString(payloadHash, "value", where) != Hex.Encode(sha.ComputeHash(bundle.Payload)))
            {
                throw new TransparencyLogException("the log entry records a different payload than the envelope carries");
            }

            var signatures = SigningJson.OptionalArray(spec, "signatures", where);
            if (signatures.Count != 1)
            {
                throw new TransparencyLogException("the log entry must record exactly one signature");
            }

            var signature = SigningJson.AsObject(signatures[0], where);
            if (!SigningJson.RequiredBase64(signature, "signature", where).AsSpan().SequenceEqual(bundle.Signature))
            {
                throw new TransparencyLogException("the log entry records a different signature than the envelope carries");
            }

            var verifier = Encoding.UTF8.GetString(SigningJson.RequiredBase64(signature, "verifier", where));
            if (!Pem.Decode(verifier, "CERTIFICATE").AsSpan().SequenceEqual(leaf.Der))
            {
                throw new TransparencyLogException("the log entry records a different signing certificate than the bundle carries");
            }
        }
        catch (SignatureFormatException ex)
        {
            throw new TransparencyLogException(ex.Message);
        }
    }

    private static void CheckInclusion(TransparencyLogEntry entry, InclusionProof proof, TrustedLog log)
    {
        using var sha = SHA256.Create();
        var leaf = new byte[entry.CanonicalizedBody.Length + 1];
        entry.CanonicalizedBody.CopyTo(leaf, 1);
        var computed = MerkleRoot(sha.ComputeHash(leaf), proof.LogIndex, proof.TreeSize, proof);
        if (computed is null || !computed.AsSpan().SequenceEqual(proof.RootHash))
        {
            throw new TransparencyLogException("the inclusion proof does not lead to the root hash it names");
        }

        if (proof.Checkpoint is null)
        {
            throw new TransparencyLogException("the inclusion proof has no signed checkpoint");
        }

        CheckCheckpoint(proof, log);
    }

    /// <summary>RFC 9162 2.1.3.2: the root an audit path leads to, or null when the path does not fit the tree.</summary>
    internal static byte[]? MerkleRoot(byte[] leafHash, long index, long treeSize, InclusionProof proof)
    {
        if (index < 0 || index >= treeSize)
        {
            return null;
        }

        using var sha = SHA256.Create();
        var fn = index;
        var sn = treeSize - 1;
        var r = leafHash;
        foreach (var p in proof.Hashes)
        {
            if (sn == 0 || p.Length != 32)
            {
                return null;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(sha, p, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                r = NodeHash(sha, r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 ? r : null;
    }

    private static byte[] NodeHash(SHA256 sha, byte[] left, byte[] right)
    {
        var buffer = new byte[65];
        buffer[0] = 1;
        left.CopyTo(buffer, 1);
        right.CopyTo(buffer, 33);
        return sha.ComputeHash(buffer);
    }

    /// <summary>A signed note: "origin\nsize\nbase64 root\n[other lines]\n\n— name base64(4-byte key hint + signature)\n".</summary>
    private static void CheckCheckpoint(InclusionProof proof, TrustedLog log)
    {
        var note = proof.Checkpoint!;
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            throw new TransparencyLogException("the checkpoint is not a signed note");
        }

        var text = note.Substring(0, split + 1);
        var lines = text.Split('\n');
        if (lines.Length < 4 || lines[1] != proof.TreeSize.ToString(CultureInfo.InvariantCulture) || lines[2] != Convert.ToBase64String(proof.RootHash))
        {
            throw new TransparencyLogException("the checkpoint names a different tree size or root hash than the inclusion proof");
        }

        foreach (var line in note.Substring(split + 2).Split('\n'))
        {
            var parts = line.Split(' ');
            if (parts.Length != 3 || parts[0] != "\u2014")
            {
                continue;
            }

            byte[] signature;
            try
            {
                signature = Convert.FromBase64String(parts[2]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (signature.Length > 4 && log.LogId.Length >= 4 && signature.AsSpan(0, 4).SequenceEqual(log.LogId.AsSpan(0, 4))
                && log.Key.Verify(Encoding.UTF8.GetBytes(text), signature.AsSpan(4).ToArray(), HashAlgorithmName.SHA256))
            {
                return;
            }
        }

        throw new TransparencyLogException("the checkpoint has no signature that verifies with the log's key");
    }
}

/// <summary>A transparency-log entry that is missing, malformed or does not verify (MG4107).</summary>
internal sealed class TransparencyLogException : Exception
{
    public TransparencyLogException(string message)
        : base(message)
    {
    }

    public TransparencyLogException()
    {
    }

    public TransparencyLogException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
