using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// Verifies an OpenSSF Model Signing signature (sigstore/model-transparency, model_signing v1.0) offline, then the model folder
/// against it. Design, from the reference implementations:
/// <list type="bullet">
/// <item><c>model.sig</c> is a Sigstore bundle (v0.1-0.3) with one DSSE signature over PAE("application/vnd.in-toto+json",
/// statement). Key mode: <c>verificationMaterial.publicKey</c> (hint = SHA-256 of the key's PEM), ECDSA P-256/P-384/P-521
/// with SHA-256/384/512 as model_signing chooses by curve (its PKCS#11 signer uses the same curves). Certificate mode:
/// <c>x509CertificateChain</c>, leaf first, checked like model_signing at the leaf's notBefore against the trusted CAs; the leaf
/// needs digitalSignature or code signing. Keyless: a Fulcio leaf chained to a CA of <c>trusted_root.json</c> that was valid at
/// the Rekor-signed integrated time, SAN and OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, else .1.1) matched exactly, the
/// Rekor "dsse" entry tied to this envelope, its SET and inclusion proof with signed checkpoint verified
/// (<see cref="RekorEntryVerifier"/>).</item>
/// <item>The statement's subject digest must be SHA-256 over the resource digests in order (as model_signing checks); each file
/// ("files") or shard ("path:start:end", "shards") is recomputed with <see cref="FileHasher"/>. The statement's ignore_paths and
/// the signature file are left out. A symbolic link is an error unless allow_symlinks; a link to a directory is not followed.</item>
/// <item>Fail closed: BLAKE2/BLAKE3 hashes, Ed25519, RSA-PSS, Rekor v2 entries, RFC 3161-only timestamps, the pre-1.0 predicate,
/// several DSSE signatures and duplicate JSON keys are reported (MG4105/MG4107), never skipped. Keyless also needs the Fulcio
/// certificate's embedded SCTs to verify with a CT log of the trusted root (sigstore-js's default), and RFC 3161 timestamps, when
/// present, must verify with a timestamp authority of the root; a signed entry timestamp or a timestamp gives the signing time.</item>
/// </list>
/// </summary>
public static class ModelSignatureVerifier
{
    /// <summary>Larger signature files are refused: a real one is a few KiB, a whole model's list of shards a few MiB.</summary>
    public const long MaxSignatureBytes = 64L * 1024 * 1024;

    /// <summary>Verifies one model folder; the findings are empty when the signature is valid, trusted and matches every file.</summary>
    public static IReadOnlyList<Finding> Verify(ModelSignatureRequest request, ModelSignaturePolicy policy)
    {
        var findings = new List<Finding>();
        var signaturePath = Path.Combine(request.Folder, request.SignatureFileName);
        var signatureDisplay = Join(request.DisplayFolder, request.SignatureFileName);
        if (!File.Exists(signaturePath))
        {
            if (request.RequireSignature)
            {
                findings.Add(new Finding(RuleCatalog.ModelUnsigned, request.DisplayFolder, null, null, $"the model is not signed (no {request.SignatureFileName} in '{request.DisplayFolder}') and ModelGuardRequireSignature is true"));
            }

            return findings;
        }

        if (ReadSignature(signaturePath, signatureDisplay, out var content) is { } unreadable)
        {
            findings.Add(unreadable);
            return findings;
        }

        var result = VerifyBundle(content, policy);
        if (result.Failure is { } failure)
        {
            findings.Add(new Finding(failure.Rule, signatureDisplay, null, null, failure.Message));
            return findings;
        }

        var statement = result.Statement!;
        try
        {
            SignedFolderCheck.Check(request, statement, findings);
        }
        catch (SignatureFormatException ex)
        {
            findings.Add(new Finding(RuleCatalog.SignatureUnreadable, signatureDisplay, null, null, ex.Message));
        }

        return findings;
    }

    /// <summary>
    /// Whether the folder's signature can be read at all, without verifying anything: the bundle and its statement parse and use
    /// what ModelGuard supports. Null when they do, else the MG4105 finding. For a signature nobody is trusted to have made, where
    /// verifying it or comparing its digests would prove nothing.
    /// </summary>
    public static Finding? CheckReadable(ModelSignatureRequest request)
    {
        var signatureDisplay = Join(request.DisplayFolder, request.SignatureFileName);
        if (ReadSignature(Path.Combine(request.Folder, request.SignatureFileName), signatureDisplay, out var content) is { } unreadable)
        {
            return unreadable;
        }

        try
        {
            var bundle = SigstoreBundle.Parse(content);
            ModelSigningStatement.Parse(bundle.PayloadType, bundle.Payload);
            return null;
        }
        catch (StatementInconsistentException)
        {
            // A subject digest that does not match the file list is a digest check, and digests are not checked here.
            return null;
        }
        catch (SignatureFormatException ex)
        {
            return new Finding(RuleCatalog.SignatureUnreadable, signatureDisplay, null, null, ex.Message);
        }
    }

    /// <summary>Reads the signature file, bounded by <see cref="MaxSignatureBytes"/>; an MG4105 finding when it cannot.</summary>
    private static Finding? ReadSignature(string signaturePath, string signatureDisplay, out byte[] content)
    {
        content = Array.Empty<byte>();
        try
        {
            var length = new FileInfo(signaturePath).Length;
            if (length > MaxSignatureBytes)
            {
                return new Finding(RuleCatalog.SignatureUnreadable, signatureDisplay, null, null, $"the signature file is {length} bytes, more than the {MaxSignatureBytes} a signature can need");
            }

            content = File.ReadAllBytes(signaturePath);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Finding(RuleCatalog.SignatureUnreadable, signatureDisplay, null, null, $"the signature file cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// The signature alone, without the folder: bundle, signer, log entries and statement. This is the verdict the differential
    /// test compares with sigstore-js.
    /// </summary>
    internal static (ModelSigningStatement? Statement, (RuleDescriptor Rule, string Message)? Failure) VerifyBundle(byte[] content, ModelSignaturePolicy policy)
    {
        SigstoreBundle bundle;
        try
        {
            bundle = SigstoreBundle.Parse(content);
        }
        catch (SignatureFormatException ex)
        {
            return (null, (RuleCatalog.SignatureUnreadable, ex.Message));
        }

        try
        {
            var failure = SignerCheck.Check(bundle, policy);
            return failure is not null ? (null, failure) : (ModelSigningStatement.Parse(bundle.PayloadType, bundle.Payload), null);
        }
        catch (StatementInconsistentException ex)
        {
            return (null, (RuleCatalog.SignatureInvalid, ex.Message));
        }
        catch (SignatureFormatException ex)
        {
            return (null, (RuleCatalog.SignatureUnreadable, ex.Message));
        }
    }

    internal static string Join(string folder, string relative) =>
        folder.Length == 0 || folder == "." ? relative : folder.TrimEnd('/', '\\') + "/" + relative;
}
