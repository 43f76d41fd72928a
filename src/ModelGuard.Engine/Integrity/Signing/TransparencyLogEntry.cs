using System;
using System.Collections.Generic;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>A Rekor entry of a bundle (protobuf-specs <c>TransparencyLogEntry</c>).</summary>
internal sealed class TransparencyLogEntry
{
    private TransparencyLogEntry()
    {
    }

    public long LogIndex { get; private set; }

    public byte[] LogId { get; private set; } = Array.Empty<byte>();

    public string Kind { get; private set; } = string.Empty;

    public string KindVersion { get; private set; } = string.Empty;

    public long IntegratedTime { get; private set; }

    /// <summary>The signed entry timestamp (inclusion promise), or null.</summary>
    public byte[]? SignedEntryTimestamp { get; private set; }

    /// <summary>The inclusion proof, or null.</summary>
    public InclusionProof? Proof { get; private set; }

    /// <summary>The entry body exactly as the log hashed it.</summary>
    public byte[] CanonicalizedBody { get; private set; } = Array.Empty<byte>();

    internal static TransparencyLogEntry Parse(JsonObjectNode node)
    {
        const string where = "bundle.verificationMaterial.tlogEntries[]";
        var kindVersion = SigningJson.RequiredObject(node, "kindVersion", where);
        var entry = new TransparencyLogEntry
        {
            LogIndex = SigningJson.RequiredInt64(node, "logIndex", where),
            LogId = SigningJson.RequiredBase64(SigningJson.RequiredObject(node, "logId", where), "keyId", where + ".logId"),
            Kind = SigningJson.RequiredString(kindVersion, "kind", where + ".kindVersion"),
            KindVersion = SigningJson.RequiredString(kindVersion, "version", where + ".kindVersion"),
            IntegratedTime = node.Last("integratedTime") is null ? 0 : SigningJson.RequiredInt64(node, "integratedTime", where),
            CanonicalizedBody = SigningJson.RequiredBase64(node, "canonicalizedBody", where),
        };
        if (SigningJson.OptionalObject(node, "inclusionPromise", where) is { } promise)
        {
            entry.SignedEntryTimestamp = SigningJson.RequiredBase64(promise, "signedEntryTimestamp", where + ".inclusionPromise");
        }

        if (SigningJson.OptionalObject(node, "inclusionProof", where) is { } proof)
        {
            var hashes = new List<byte[]>();
            foreach (var item in SigningJson.OptionalArray(proof, "hashes", where + ".inclusionProof"))
            {
                hashes.Add(item is JsonStringNode s ? SigningJson.DecodeBase64(s.Value, where + ".inclusionProof.hashes[]") : throw new SignatureFormatException($"{where}.inclusionProof.hashes[] is not a string"));
            }

            var checkpoint = SigningJson.OptionalObject(proof, "checkpoint", where + ".inclusionProof");
            entry.Proof = new InclusionProof(
                SigningJson.RequiredInt64(proof, "logIndex", where + ".inclusionProof"),
                SigningJson.RequiredBase64(proof, "rootHash", where + ".inclusionProof"),
                SigningJson.RequiredInt64(proof, "treeSize", where + ".inclusionProof"),
                hashes,
                checkpoint is null ? null : SigningJson.RequiredString(checkpoint, "envelope", where + ".inclusionProof.checkpoint"));
        }

        return entry;
    }
}

/// <summary>An RFC 6962 inclusion proof with the log's signed checkpoint.</summary>
internal sealed class InclusionProof
{
    public InclusionProof(long logIndex, byte[] rootHash, long treeSize, IReadOnlyList<byte[]> hashes, string? checkpoint)
    {
        LogIndex = logIndex;
        RootHash = rootHash;
        TreeSize = treeSize;
        Hashes = hashes;
        Checkpoint = checkpoint;
    }

    public long LogIndex { get; }

    public byte[] RootHash { get; }

    public long TreeSize { get; }

    public IReadOnlyList<byte[]> Hashes { get; }

    public string? Checkpoint { get; }
}
