using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// One trusted signer as a project or a command line names it: <c>&lt;ModelGuardTrustedSigner Include="..." Kind="..." Issuer="..." /&gt;</c>.
/// Kind "key" (the default): a PEM public key file. "certificate": a PEM file of CA certificates. "sigstore": the item is the
/// identity (SAN: e-mail or workflow URI), <see cref="Issuer"/> its OIDC issuer.
/// </summary>
public sealed class TrustedSigner
{
    public TrustedSigner(string value, string? kind = null, string? issuer = null)
    {
        Value = value;
        Kind = string.IsNullOrEmpty(kind) ? "key" : kind!.ToLowerInvariant();
        Issuer = issuer;
    }

    public string Value { get; }

    public string Kind { get; }

    public string? Issuer { get; }

    /// <summary>
    /// Builds the policy from the signers and an optional trusted root file (null: the embedded public-good root). Relative paths
    /// are resolved against <paramref name="baseDirectory"/>.
    /// </summary>
    /// <exception cref="SignatureFormatException">A signer or the trusted root cannot be used; the message names which and why.</exception>
    public static ModelSignaturePolicy CreatePolicy(IEnumerable<TrustedSigner> signers, string? trustedRootPath, string baseDirectory)
    {
        var keys = new List<SigningPublicKey>();
        var authorities = new List<SigningCertificate>();
        var identities = new List<SigstoreIdentity>();
        foreach (var signer in signers)
        {
            try
            {
                switch (signer.Kind)
                {
                    case "key":
                        keys.Add(SigningPublicKey.FromPem(File.ReadAllText(Path.Combine(baseDirectory, signer.Value))));
                        break;
                    case "certificate":
                        var certificates = Pem.DecodeAll(File.ReadAllText(Path.Combine(baseDirectory, signer.Value)), "CERTIFICATE").Select(SigningCertificate.FromDer).ToList();
                        authorities.AddRange(certificates.Count > 0 ? certificates : throw new SignatureFormatException("the file has no '-----BEGIN CERTIFICATE-----' block"));
                        break;
                    case "sigstore":
                        identities.Add(new SigstoreIdentity(signer.Value, string.IsNullOrEmpty(signer.Issuer) ? throw new SignatureFormatException("a Sigstore signer needs its OIDC issuer (Issuer metadata, e.g. https://token.actions.githubusercontent.com)") : signer.Issuer!));
                        break;
                    default:
                        throw new SignatureFormatException($"the kind '{signer.Kind}' is not one of key, certificate and sigstore");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SignatureFormatException)
            {
                throw new SignatureFormatException($"the trusted signer '{signer.Value}' cannot be used: {ex.Message}", ex);
            }
        }

        SigstoreTrustedRoot? root = null;
        if (!string.IsNullOrEmpty(trustedRootPath))
        {
            try
            {
                root = SigstoreTrustedRoot.Parse(File.ReadAllBytes(Path.Combine(baseDirectory, trustedRootPath!)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or SignatureFormatException)
            {
                throw new SignatureFormatException($"the Sigstore trusted root '{trustedRootPath}' cannot be used: {ex.Message}", ex);
            }
        }

        return new ModelSignaturePolicy { TrustedKeys = keys, TrustedCertificateAuthorities = authorities, TrustedIdentities = identities, SigstoreRoot = root };
    }
}
