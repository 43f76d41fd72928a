using System;
using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>Who signed the envelope, and whether the policy trusts them: the three modes of model_signing.</summary>
internal static class SignerCheck
{
    /// <summary>Null when the envelope is validly signed by a trusted signer, else the rule and message.</summary>
    public static (RuleDescriptor Rule, string Message)? Check(SigstoreBundle bundle, ModelSignaturePolicy policy)
    {
        var pae = bundle.PreAuthenticationEncoding();
        if (bundle.HasPublicKey)
        {
            return CheckKey(bundle, policy, pae);
        }

        var leaf = bundle.Certificates[0];
        if (!leaf.PublicKey.Verify(pae, bundle.Signature, leaf.PublicKey.DefaultHash))
        {
            return (RuleCatalog.SignatureInvalid, $"the DSSE signature does not verify with the signing certificate's key ({leaf.PublicKey.Description})");
        }

        if (!leaf.MaySignContent)
        {
            return (RuleCatalog.SignatureInvalid, "the signing certificate may not sign (no digitalSignature key usage and no code-signing extended key usage)");
        }

        return bundle.TlogEntries.Count > 0 || leaf.OidcIssuer is not null ? CheckSigstore(bundle, leaf, policy) : CheckCertificate(bundle, leaf, policy);
    }

    private static (RuleDescriptor, string)? CheckKey(SigstoreBundle bundle, ModelSignaturePolicy policy, byte[] pae)
    {
        if (bundle.TlogEntries.Count > 0)
        {
            return (RuleCatalog.SignatureUnreadable, "a key-signed bundle with transparency-log entries is not supported (model_signing's key mode writes none)");
        }

        foreach (var key in policy.TrustedKeys)
        {
            if (!string.IsNullOrEmpty(bundle.PublicKeyHint) && bundle.PublicKeyHint != key.PemHint())
            {
                continue;
            }

            if (key.Verify(pae, bundle.Signature, key.DefaultHash))
            {
                return null;
            }

            if (!string.IsNullOrEmpty(bundle.PublicKeyHint))
            {
                return (RuleCatalog.SignatureInvalid, $"the DSSE signature does not verify with the signing key ({key.Description}) the bundle names");
            }
        }

        var hint = string.IsNullOrEmpty(bundle.PublicKeyHint) ? "the bundle names no key" : $"key hint {bundle.PublicKeyHint}";
        return (RuleCatalog.SignerNotTrusted, policy.TrustedKeys.Count == 0
            ? $"the model is signed with a key ({hint}) and the project trusts no public key (ModelGuardTrustedSigner)"
            : $"the signature does not verify with any of the {policy.TrustedKeys.Count} trusted public key(s) ({hint})");
    }

    private static (RuleDescriptor, string)? CheckCertificate(SigstoreBundle bundle, SigningCertificate leaf, ModelSignaturePolicy policy)
    {
        if (policy.TrustedCertificateAuthorities.Count == 0)
        {
            return (RuleCatalog.SignerNotTrusted, $"the model is signed with a certificate (sha256:{leaf.Fingerprint()}) and the project trusts no certificate authority (ModelGuardTrustedSigner Kind=\"certificate\")");
        }

        var failure = CertificateChain.Validate(leaf, bundle.Certificates.Skip(1).ToList(), policy.TrustedCertificateAuthorities, leaf.NotBefore);
        return failure is null ? null : (RuleCatalog.SignerNotTrusted, failure);
    }

    private static (RuleDescriptor, string)? CheckSigstore(SigstoreBundle bundle, SigningCertificate leaf, ModelSignaturePolicy policy)
    {
        var root = policy.SigstoreRoot ?? SigstoreTrustedRoot.PublicGood;
        if (bundle.TlogEntries.Count == 0)
        {
            return (RuleCatalog.TransparencyLogInvalid, "the Sigstore signature has no transparency-log entry");
        }

        var times = new List<DateTimeOffset>();
        try
        {
            foreach (var entry in bundle.TlogEntries)
            {
                if (RekorEntryVerifier.Verify(entry, bundle, leaf, root) is { } logged)
                {
                    times.Add(logged);
                }
            }

            foreach (var timestamp in bundle.Rfc3161Timestamps)
            {
                times.Add(Rfc3161Timestamp.Verify(timestamp, bundle.Signature, root));
            }
        }
        catch (TransparencyLogException ex)
        {
            return (RuleCatalog.TransparencyLogInvalid, ex.Message);
        }

        if (times.Count == 0)
        {
            return (RuleCatalog.TransparencyLogInvalid, "the Sigstore signature has no verified time: no signed entry timestamp and no RFC 3161 timestamp");
        }

        if (!leaf.HasCodeSigningUsage)
        {
            return (RuleCatalog.SignatureInvalid, "the Sigstore signing certificate has no code-signing extended key usage");
        }

        // The short-lived certificate must have been valid, and issued by a CA then trusted, at every verified time.
        SigningCertificate? issuer = null;
        foreach (var time in times)
        {
            string? chainFailure = $"no certificate authority of the Sigstore trusted root was valid at {time:u}";
            foreach (var authority in root.CertificateAuthorities)
            {
                chainFailure = authority.Validate(leaf, time);
                if (chainFailure is null)
                {
                    issuer = authority.Chain.First(c => c.Issued(leaf));
                    break;
                }
            }

            if (chainFailure is not null)
            {
                return (RuleCatalog.SignerNotTrusted, $"the signing certificate was not issued by the Sigstore trusted root's certificate authority: {chainFailure}");
            }
        }

        if (CertificateTransparency.Verify(leaf, issuer!, root) is { } ctFailure)
        {
            return (RuleCatalog.SignatureInvalid, ctFailure);
        }

        var identities = leaf.SubjectAlternativeNames;
        if (policy.TrustedIdentities.Any(t => t.Issuer == leaf.OidcIssuer && identities.Contains(t.Identity, StringComparer.Ordinal)))
        {
            return null;
        }

        return (RuleCatalog.SignerNotTrusted, $"signed by the Sigstore identity '{string.Join("', '", identities)}' (issuer {leaf.OidcIssuer ?? "none"}), which is not a trusted signer");
    }
}
