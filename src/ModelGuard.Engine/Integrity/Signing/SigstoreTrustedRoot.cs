using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// A Sigstore <c>trusted_root.json</c> (protobuf-specs <c>dev.sigstore.trustedroot.v1.TrustedRoot</c>): the Fulcio certificate
/// authorities and the Rekor logs' keys, each with the period it is trusted for. The public-good root ships embedded
/// (<see cref="PublicGood"/>); a private Sigstore instance passes its own.
/// </summary>
public sealed class SigstoreTrustedRoot
{
    private const string MediaType = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
    private const string ResourceName = "ModelGuard.Engine.Integrity.Signing.sigstore-public-good-trusted_root.json";
    private static readonly Lazy<SigstoreTrustedRoot> PublicGoodRoot = new(LoadPublicGood);

    private SigstoreTrustedRoot(IReadOnlyList<TrustedAuthority> authorities, IReadOnlyList<TrustedLog> logs, IReadOnlyList<TrustedAuthority> timestampAuthorities)
    {
        CertificateAuthorities = authorities;
        TransparencyLogs = logs;
        TimestampAuthorities = timestampAuthorities;
    }

    /// <summary>The public-good Sigstore root (sigstore.dev), as sigstore-python ships it from TUF.</summary>
    public static SigstoreTrustedRoot PublicGood => PublicGoodRoot.Value;

    internal IReadOnlyList<TrustedAuthority> CertificateAuthorities { get; }

    internal IReadOnlyList<TrustedLog> TransparencyLogs { get; }

    /// <summary>Certificate Transparency logs, whose SCTs Fulcio embeds in its certificates.</summary>
    internal IReadOnlyList<TrustedLog> CertificateTransparencyLogs { get; private init; } = Array.Empty<TrustedLog>();

    /// <summary>RFC 3161 timestamp authorities: the signing certificate first, its root last.</summary>
    internal IReadOnlyList<TrustedAuthority> TimestampAuthorities { get; }

    /// <summary>Reads a trusted root; unsupported keys (Ed25519 of Rekor v2 logs) are kept out and cannot vouch for anything.</summary>
    /// <exception cref="SignatureFormatException">Not a trusted root.</exception>
    public static SigstoreTrustedRoot Parse(byte[] content)
    {
        var root = SigningJson.ParseObject(content, "trusted root");
        var mediaType = SigningJson.RequiredString(root, "mediaType", "trusted root");
        if (mediaType != MediaType)
        {
            throw new SignatureFormatException($"the trusted root media type '{mediaType}' is not '{MediaType}'");
        }

        var authorities = ReadAuthorities(root, "certificateAuthorities");
        var timestampAuthorities = ReadAuthorities(root, "timestampAuthorities");
        return new SigstoreTrustedRoot(authorities, ReadLogs(root, "tlogs"), timestampAuthorities) { CertificateTransparencyLogs = ReadLogs(root, "ctlogs") };
    }

    private static List<TrustedLog> ReadLogs(JsonObjectNode root, string name)
    {
        var logs = new List<TrustedLog>();
        foreach (var item in SigningJson.OptionalArray(root, name, "trusted root"))
        {
            var log = SigningJson.AsObject(item, $"trusted root.{name}[]");
            var publicKey = SigningJson.RequiredObject(log, "publicKey", "transparency log");
            var (start, end) = ReadValidity(publicKey, "transparency log key");
            SigningPublicKey key;
            try
            {
                key = SigningPublicKey.FromSubjectPublicKeyInfo(SigningJson.RequiredBase64(publicKey, "rawBytes", "transparency log key"));
            }
            catch (SignatureFormatException)
            {
                continue;
            }

            var logId = SigningJson.RequiredBase64(SigningJson.RequiredObject(log, "logId", "transparency log"), "keyId", "transparency log");
            logs.Add(new TrustedLog(SigningJson.OptionalString(log, "baseUrl", "transparency log") ?? string.Empty, logId, key, start, end));
        }

        return logs;
    }

    private static List<TrustedAuthority> ReadAuthorities(JsonObjectNode root, string name)
    {
        var authorities = new List<TrustedAuthority>();
        foreach (var item in SigningJson.OptionalArray(root, name, "trusted root"))
        {
            var ca = SigningJson.AsObject(item, $"trusted root.{name}[]");
            var chain = new List<SigningCertificate>();
            foreach (var cert in SigningJson.OptionalArray(SigningJson.RequiredObject(ca, "certChain", "certificate authority"), "certificates", "certificate authority"))
            {
                chain.Add(SigningCertificate.FromDer(SigningJson.RequiredBase64(SigningJson.AsObject(cert, "certificate"), "rawBytes", "certificate authority")));
            }

            var (start, end) = ReadValidity(ca, "certificate authority");
            if (chain.Count > 0)
            {
                authorities.Add(new TrustedAuthority(SigningJson.OptionalString(ca, "uri", "certificate authority") ?? string.Empty, chain, start, end));
            }
        }

        return authorities;
    }

    /// <summary>The Rekor log whose ID is <paramref name="logId"/>, or null.</summary>
    internal TrustedLog? FindLog(byte[] logId) => Find(TransparencyLogs, logId);

    /// <summary>The CT log whose ID is <paramref name="logId"/>, or null.</summary>
    internal TrustedLog? FindCertificateTransparencyLog(byte[] logId) => Find(CertificateTransparencyLogs, logId);

    private static TrustedLog? Find(IReadOnlyList<TrustedLog> logs, byte[] logId)
    {
        foreach (var log in logs)
        {
            if (log.LogId.AsSpan().SequenceEqual(logId))
            {
                return log;
            }
        }

        return null;
    }

    private static (DateTimeOffset Start, DateTimeOffset End) ReadValidity(JsonObjectNode node, string where)
    {
        var validFor = SigningJson.OptionalObject(node, "validFor", where);
        if (validFor is null)
        {
            return (DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        }

        return (SigningJson.OptionalTimestamp(validFor, "start", where + ".validFor") ?? DateTimeOffset.MinValue, SigningJson.OptionalTimestamp(validFor, "end", where + ".validFor") ?? DateTimeOffset.MaxValue);
    }

    private static SigstoreTrustedRoot LoadPublicGood()
    {
        using var stream = typeof(SigstoreTrustedRoot).Assembly.GetManifestResourceStream(ResourceName) ?? throw new InvalidOperationException("The embedded Sigstore trusted root is missing.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return Parse(memory.ToArray());
    }
}

/// <summary>A Fulcio certificate authority: its chain (issuing certificate first, root last) and when it may issue.</summary>
internal sealed class TrustedAuthority
{
    public TrustedAuthority(string uri, IReadOnlyList<SigningCertificate> chain, DateTimeOffset start, DateTimeOffset end)
    {
        Uri = uri;
        Chain = chain;
        Start = start;
        End = end;
    }

    public string Uri { get; }

    public IReadOnlyList<SigningCertificate> Chain { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    /// <summary>
    /// Null when <paramref name="certificate"/> chains through this authority's intermediates to its root at <paramref name="time"/>
    /// (the authority's own first certificate counts: a timestamp authority's leaf), else why not.
    /// </summary>
    public string? Validate(SigningCertificate certificate, DateTimeOffset time)
    {
        if (time < Start || time > End)
        {
            return $"the certificate authority {Uri} is not trusted at {time:u}";
        }

        var intermediates = new List<SigningCertificate>();
        for (var i = 0; i < Chain.Count - 1; i++)
        {
            intermediates.Add(Chain[i]);
        }

        return CertificateChain.Validate(certificate, intermediates, new[] { Chain[Chain.Count - 1] }, time);
    }
}

/// <summary>A Rekor log: its ID (SHA-256 of its key), its key and when the key is valid.</summary>
internal sealed class TrustedLog
{
    public TrustedLog(string baseUrl, byte[] logId, SigningPublicKey key, DateTimeOffset start, DateTimeOffset end)
    {
        BaseUrl = baseUrl;
        LogId = logId;
        Key = key;
        Start = start;
        End = end;
    }

    public string BaseUrl { get; }

    public byte[] LogId { get; }

    public SigningPublicKey Key { get; }

    public DateTimeOffset Start { get; }

    public DateTimeOffset End { get; }

    /// <summary>The log's origin name, as checkpoints write it: the base URL without its scheme.</summary>
    public string Origin => BaseUrl.StartsWith("https://", StringComparison.Ordinal) ? BaseUrl.Substring(8) : BaseUrl;
}
