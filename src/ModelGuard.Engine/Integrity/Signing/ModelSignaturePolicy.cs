using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// Whom the project trusts to sign models: public keys (key mode), certificate authorities (certificate mode) and Sigstore
/// identities with their OIDC issuers (keyless mode, checked against <see cref="SigstoreRoot"/>).
/// </summary>
public sealed class ModelSignaturePolicy
{
    public IReadOnlyList<SigningPublicKey> TrustedKeys { get; init; } = Array.Empty<SigningPublicKey>();

    public IReadOnlyList<SigningCertificate> TrustedCertificateAuthorities { get; init; } = Array.Empty<SigningCertificate>();

    public IReadOnlyList<SigstoreIdentity> TrustedIdentities { get; init; } = Array.Empty<SigstoreIdentity>();

    /// <summary>Fulcio CAs and Rekor keys for keyless signatures; the public-good Sigstore root unless replaced.</summary>
    public SigstoreTrustedRoot? SigstoreRoot { get; init; }
}

/// <summary>A Sigstore signer: the certificate's subject alternative name (e-mail or workflow URI) and the OIDC issuer, both exact.</summary>
public sealed class SigstoreIdentity
{
    public SigstoreIdentity(string identity, string issuer)
    {
        Identity = identity;
        Issuer = issuer;
    }

    public string Identity { get; }

    public string Issuer { get; }
}

/// <summary>One model folder to verify, as the task or the CLI sees it.</summary>
public sealed class ModelSignatureRequest
{
    public ModelSignatureRequest(string folder, string displayFolder)
    {
        Folder = folder;
        DisplayFolder = displayFolder;
    }

    /// <summary>The model folder on disk.</summary>
    public string Folder { get; }

    /// <summary>How findings name the folder (project-relative in a build); files are named below it with '/'.</summary>
    public string DisplayFolder { get; }

    /// <summary>The signature file's name inside the folder.</summary>
    public string SignatureFileName { get; init; } = "model.sig";

    /// <summary>
    /// The folder's files the project bundles, relative with '/'; only these can be "not covered" (MG4104). Null: every file of
    /// the folder (the CLI).
    /// </summary>
    public IReadOnlyCollection<string>? BundledFiles { get; init; }

    /// <summary>Whether a folder without a signature file is an error (MG4106).</summary>
    public bool RequireSignature { get; init; }

    /// <summary>Hashes a whole file; the task passes its cached hasher so a signed model costs one hash per change.</summary>
    public Func<string, FileDigest> HashFile { get; init; } = FileHasher.HashFile;
}
