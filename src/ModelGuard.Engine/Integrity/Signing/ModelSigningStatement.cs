using System;
using System.Collections.Generic;
using System.Security.Cryptography;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// The in-toto Statement v1 model_signing signs (predicate <c>https://model_signing/signature/v1.0</c>): one subject named after
/// the model whose SHA-256 is taken over the resource digests in order, the serialization settings, and one resource per file
/// (method "files", name = relative path) or per shard (method "shards", name = "path:start:end").
/// </summary>
internal sealed class ModelSigningStatement
{
    public const string PayloadType = "application/vnd.in-toto+json";
    public const string StatementType = "https://in-toto.io/Statement/v1";
    public const string PredicateType = "https://model_signing/signature/v1.0";
    private const string LegacyPredicateType = "https://model_signing/Digests/v0.1";

    private ModelSigningStatement()
    {
    }

    /// <summary>The model name (the signed folder's name).</summary>
    public string ModelName { get; private set; } = string.Empty;

    /// <summary>"files" or "shards".</summary>
    public string Method { get; private set; } = string.Empty;

    /// <summary>Shard size for the "shards" method, else 0.</summary>
    public long ShardSize { get; private set; }

    /// <summary>Whether symbolic links were followed when signing.</summary>
    public bool AllowSymlinks { get; private set; }

    /// <summary>Paths, relative to the model folder, the signer left out (a directory leaves out everything under it).</summary>
    public IReadOnlyList<string> IgnorePaths { get; private set; } = Array.Empty<string>();

    /// <summary>The signed resources, name to lowercase hex SHA-256.</summary>
    public IReadOnlyDictionary<string, string> Resources { get; private set; } = new Dictionary<string, string>();

    /// <summary>Reads and checks the statement; the payload must already be authenticated.</summary>
    /// <exception cref="SignatureFormatException">Not a model_signing v1.0 statement, or an inconsistent one.</exception>
    public static ModelSigningStatement Parse(string payloadType, byte[] payload)
    {
        if (payloadType != PayloadType)
        {
            throw new SignatureFormatException($"the DSSE payload type is '{payloadType}', not '{PayloadType}'");
        }

        var root = SigningJson.ParseObject(payload, "signed statement");
        const string where = "statement";
        if (SigningJson.RequiredString(root, "_type", where) != StatementType)
        {
            throw new SignatureFormatException($"the statement type is not '{StatementType}'");
        }

        var predicateType = SigningJson.RequiredString(root, "predicateType", where);
        if (predicateType == LegacyPredicateType)
        {
            throw new SignatureFormatException($"the signature uses the pre-1.0 predicate '{LegacyPredicateType}'; re-sign the model with model_signing 1.0 or later");
        }

        if (predicateType != PredicateType)
        {
            throw new SignatureFormatException($"the predicate type '{predicateType}' is not '{PredicateType}'");
        }

        var subjects = SigningJson.OptionalArray(root, "subject", where);
        if (subjects.Count != 1)
        {
            throw new SignatureFormatException($"the statement must have exactly one subject, it has {subjects.Count}");
        }

        var subject = SigningJson.AsObject(subjects[0], "statement.subject[0]");
        var statement = new ModelSigningStatement { ModelName = SigningJson.OptionalString(subject, "name", "statement.subject[0]") ?? string.Empty };
        var rootDigest = SigningJson.RequiredString(SigningJson.RequiredObject(subject, "digest", "statement.subject[0]"), "sha256", "statement.subject[0].digest");

        var predicate = SigningJson.RequiredObject(root, "predicate", where);
        statement.ReadSerialization(SigningJson.RequiredObject(predicate, "serialization", "statement.predicate"));

        var resources = new Dictionary<string, string>(StringComparer.Ordinal);
        using var rootHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var item in SigningJson.OptionalArray(predicate, "resources", "statement.predicate"))
        {
            var resource = SigningJson.AsObject(item, "statement.predicate.resources[]");
            var name = SigningJson.RequiredString(resource, "name", "statement.predicate.resources[]");
            var algorithm = SigningJson.RequiredString(resource, "algorithm", $"resource '{name}'");
            var digest = SigningJson.RequiredString(resource, "digest", $"resource '{name}'");
            if (algorithm != "sha256" && algorithm != $"sha256-sharded-{statement.ShardSize}")
            {
                throw new SignatureFormatException($"the resource '{name}' is hashed with '{algorithm}'; only SHA-256 is supported");
            }

            if (!Hex.IsSha256(digest))
            {
                throw new SignatureFormatException($"the resource '{name}' has a digest that is not 64 lowercase hex digits");
            }

            if (!IsSafeRelativePath(statement.Method == "shards" ? ShardPath(name) : name))
            {
                throw new SignatureFormatException($"the resource name '{name}' is not a relative path inside the model folder");
            }

            if (resources.ContainsKey(name))
            {
                throw new SignatureFormatException($"the resource '{name}' is listed twice");
            }

            resources.Add(name, digest);
            rootHash.AppendData(Hex.Decode(digest));
        }

        if (Hex.Encode(rootHash.GetHashAndReset()) != rootDigest)
        {
            throw new StatementInconsistentException($"the statement is inconsistent: the subject digest {rootDigest} is not the SHA-256 of the resource digests");
        }

        statement.Resources = resources;
        return statement;
    }

    /// <summary>The file part of a shard name "path:start:end".</summary>
    internal static string ShardPath(string name)
    {
        var second = name.LastIndexOf(':');
        var first = second > 0 ? name.LastIndexOf(':', second - 1) : -1;
        return first > 0 ? name.Substring(0, first) : throw new SignatureFormatException($"the shard name '{name}' is not 'path:start:end'");
    }

    private void ReadSerialization(JsonObjectNode serialization)
    {
        const string where = "statement.predicate.serialization";
        Method = SigningJson.RequiredString(serialization, "method", where);
        var hashType = SigningJson.RequiredString(serialization, "hash_type", where);
        if (hashType != "sha256")
        {
            throw new SignatureFormatException($"the model was hashed with '{hashType}'; only SHA-256 is supported (re-sign with --hash_type sha256, the default)");
        }

        AllowSymlinks = serialization.Last("allow_symlinks")?.Value switch
        {
            null => false,
            JsonLiteralNode { Kind: JsonTokenKind.True } => true,
            JsonLiteralNode { Kind: JsonTokenKind.False } => false,
            _ => throw new SignatureFormatException($"{where}.allow_symlinks is not a boolean"),
        };
        var ignore = new List<string>();
        foreach (var item in SigningJson.OptionalArray(serialization, "ignore_paths", where))
        {
            ignore.Add(item is JsonStringNode s ? s.Value.Replace('\\', '/').TrimEnd('/') : throw new SignatureFormatException($"{where}.ignore_paths has a non-string item"));
        }

        IgnorePaths = ignore;
        switch (Method)
        {
            case "files":
                break;
            case "shards":
                ShardSize = SigningJson.RequiredInt64(serialization, "shard_size", where);
                if (ShardSize <= 0)
                {
                    throw new SignatureFormatException($"{where}.shard_size must be positive");
                }

                break;
            default:
                throw new SignatureFormatException($"the serialization method '{Method}' is not supported ('files' and 'shards' are)");
        }
    }

    private static bool IsSafeRelativePath(string path)
    {
        if (path.Length == 0 || path[0] == '/' || path.IndexOf('\\') >= 0 || path.IndexOf(':') >= 0 || path.IndexOf('\0') >= 0)
        {
            return false;
        }

        foreach (var part in path.Split('/'))
        {
            if (part is "" or "." or "..")
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A signed statement that contradicts itself: altered before signing or by a broken signer (MG4101).</summary>
internal sealed class StatementInconsistentException : Exception
{
    public StatementInconsistentException(string message)
        : base(message)
    {
    }

    public StatementInconsistentException()
    {
    }

    public StatementInconsistentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
