using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>
/// Path validation from a leaf to a trusted certificate, done here instead of by <c>X509Chain</c>: netstandard2.0 (the engine in
/// Visual Studio's net472 MSBuild) has no custom trust store, and a build must not consult the machine's roots or the network.
/// Each link is checked by name and signature, every certificate must be valid at the signing time, and every issuer must be
/// allowed to issue. Certificates are matched by bytes, so a trusted intermediate is a trust anchor too.
/// </summary>
internal static class CertificateChain
{
    private const int MaxDepth = 8;

    /// <summary>Returns null when <paramref name="leaf"/> chains to one of <paramref name="anchors"/> at <paramref name="time"/>, else why not.</summary>
    public static string? Validate(SigningCertificate leaf, IReadOnlyList<SigningCertificate> intermediates, IReadOnlyList<SigningCertificate> anchors, DateTimeOffset time)
    {
        var current = leaf;
        for (var depth = 0; depth <= MaxDepth; depth++)
        {
            if (!current.IsValidAt(time))
            {
                return $"the certificate {Describe(current)} is not valid at {time:u} (valid {current.NotBefore:u} to {current.NotAfter:u})";
            }

            if (IsAnchor(current, anchors))
            {
                return null;
            }

            var issuer = FindIssuer(current, anchors) ?? FindIssuer(current, intermediates);
            if (issuer is null)
            {
                return $"the certificate {Describe(current)} was not issued by a trusted certificate authority";
            }

            if (!issuer.MayIssueCertificates)
            {
                return $"the certificate {Describe(issuer)} is not a certificate authority but issued {Describe(current)}";
            }

            current = issuer;
        }

        return "the certificate chain is longer than 8 certificates";
    }

    private static bool IsAnchor(SigningCertificate certificate, IReadOnlyList<SigningCertificate> anchors)
    {
        foreach (var anchor in anchors)
        {
            if (anchor.Der.AsSpan().SequenceEqual(certificate.Der))
            {
                return true;
            }
        }

        return false;
    }

    private static SigningCertificate? FindIssuer(SigningCertificate child, IReadOnlyList<SigningCertificate> candidates)
    {
        foreach (var candidate in candidates)
        {
            if (!ReferenceEquals(candidate, child) && !candidate.Der.AsSpan().SequenceEqual(child.Der) && candidate.Issued(child))
            {
                return candidate;
            }
        }

        return null;
    }

    private static string Describe(SigningCertificate certificate) => $"sha256:{certificate.Fingerprint().Substring(0, 16)}…";
}
