using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Integrity;
using ModelGuard.Engine.Integrity.Signing;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Reporting;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Hosting.Integrity;

/// <summary>
/// Verifies the OpenSSF Model Signing signatures of the files a build bundles (or the command line names), the same way for the
/// MSBuild task and <c>modelguard verify --signature</c>:
/// <list type="bullet">
/// <item>A file belongs to the nearest <c>model.sig</c>: in its own folder, else in a folder above it, up to and including the
/// root (the project directory, or the folder given to the command line). A file outside the root only looks in its own folder,
/// so a signature above the project never vouches for anything by accident.</item>
/// <item>Each signed folder is verified once (<see cref="ModelSignatureVerifier"/>); its bundled files are the ones that must be
/// covered (MG4104), except the signature file and the lock file (<see cref="ModelLockFile.FileName"/>), which a signature
/// cannot list.</item>
/// <item>With a signature required, a bundled file the scan recognised as a model (any format but Unknown) that belongs to no
/// signature is MG4106, reported on the file so item metadata and .editorconfig sections apply to it.</item>
/// <item>With no trusted signer configured and no signature required, nothing can be verified: each signature that can be read
/// is one MG4108 warning and its files are not compared with its digests, so bundling a model its publisher signed never fails
/// a build that did not opt into signatures (while the same model unsigned builds clean).</item>
/// </list>
/// A finding on a bundled file takes that file's severity settings and item NoWarn; a finding on a file that is not an item (the
/// signature file, a signed file that is missing) takes the settings of the first bundled file of its folder.
/// </summary>
internal static class SignatureRun
{
    /// <summary>The signature file model_signing writes by default; not configurable, so every tool finds the same file.</summary>
    public const string SignatureFileName = "model.sig";

    /// <summary>
    /// The policy for <paramref name="signers"/> and <paramref name="trustedRoot"/> (null: the embedded public-good root), paths
    /// relative to <paramref name="baseDirectory"/>; null when neither is configured (signatures are then not checked, MG4108). A
    /// signer that cannot be used is left out and added to <paramref name="problems"/> (MG9010); a trusted root that cannot be used
    /// (MG9011) trusts no Sigstore identity rather than falling back to the public-good root it was meant to replace. Either still
    /// counts as configured: a misspelt path must not turn checking off.
    /// </summary>
    public static ModelSignaturePolicy? CreatePolicy(IReadOnlyCollection<TrustedSigner> signers, string? trustedRoot, string baseDirectory, List<Finding> problems)
    {
        if (signers.Count == 0 && string.IsNullOrWhiteSpace(trustedRoot))
        {
            return null;
        }

        var keys = new List<SigningPublicKey>();
        var authorities = new List<SigningCertificate>();
        var identities = new List<SigstoreIdentity>();
        foreach (var signer in signers)
        {
            try
            {
                var one = TrustedSigner.CreatePolicy(new[] { signer }, null, baseDirectory);
                keys.AddRange(one.TrustedKeys);
                authorities.AddRange(one.TrustedCertificateAuthorities);
                identities.AddRange(one.TrustedIdentities);
            }
            catch (SignatureFormatException ex)
            {
                problems.Add(new Finding(RuleCatalog.TrustedSignerUnusable, string.Empty, null, null, ex.Message));
            }
        }

        SigstoreTrustedRoot? root = null;
        if (!string.IsNullOrWhiteSpace(trustedRoot))
        {
            try
            {
                root = TrustedSigner.CreatePolicy(Array.Empty<TrustedSigner>(), trustedRoot!.Trim(), baseDirectory).SigstoreRoot;
            }
            catch (SignatureFormatException ex)
            {
                problems.Add(new Finding(RuleCatalog.SigstoreTrustedRootUnusable, string.Empty, null, null, ex.Message + "; no Sigstore identity is trusted"));
                identities.Clear();
            }
        }

        return new ModelSignaturePolicy { TrustedKeys = keys, TrustedCertificateAuthorities = authorities, TrustedIdentities = identities, SigstoreRoot = root };
    }

    /// <summary>
    /// Verifies every signed folder of <paramref name="targets"/> (scanned, so their formats are known) against
    /// <paramref name="policy"/> and, when <paramref name="requireSignature"/> names the setting that asks for it, reports the
    /// models no signature covers. Every file digest goes through <paramref name="hashFile"/>. A null policy (no trusted signer
    /// configured) checks only that each signature can be read and reports it as not checked (MG4108), unless signatures are
    /// required: then nobody is trusted and every signature fails closed (MG4102).
    /// </summary>
    public static SignatureRunResult Verify(
        IReadOnlyList<ScanTarget> targets,
        string rootDirectory,
        ModelSignaturePolicy? policy,
        string? requireSignature,
        Func<string, FileDigest> hashFile,
        SeverityResolver resolver,
        Func<string, string> displayPathOf)
    {
        var result = new SignatureRunResult();
        var root = Path.GetFullPath(rootDirectory).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var signedFolderOf = new Dictionary<string, string?>(ScanRun.PathComparer);
        var folders = new Dictionary<string, List<ScanTarget>>(ScanRun.PathComparer);
        var folderOrder = new List<string>();
        foreach (var target in targets.Where(t => t.InvalidPath is null))
        {
            var directory = Path.GetDirectoryName(target.FullPath);
            var signed = directory is null ? null : FindSignedFolder(directory, root, signedFolderOf);
            if (signed is null)
            {
                if (requireSignature is not null && target.Format != nameof(ContentFormat.Unknown))
                {
                    var finding = new Finding(RuleCatalog.ModelUnsigned, target.DisplayPath, null, null, $"the model is not signed: neither its folder nor a folder above it up to '{DisplayFolderOf(root, displayPathOf)}' has a {SignatureFileName}, and {requireSignature} is true");
                    result.Reported.Add(Report(finding, target, target.Settings, resolver));
                }

                continue;
            }

            if (!folders.TryGetValue(signed, out var bundled))
            {
                folders.Add(signed, bundled = new List<ScanTarget>());
                folderOrder.Add(signed);
            }

            bundled.Add(target);
        }

        if (policy is null && requireSignature is not null)
        {
            policy = new ModelSignaturePolicy();
        }

        foreach (var folder in folderOrder)
        {
            VerifyFolder(folder, DisplayFolderOf(folder, displayPathOf), folders[folder], policy, hashFile, resolver, result.Reported);
            if (policy is null)
            {
                result.UncheckedFolders++;
            }
            else
            {
                result.SignedFolders++;
            }
        }

        return result;
    }

    /// <summary>Verifies one signed folder against <paramref name="policy"/>; null: only whether its signature can be read (MG4108).</summary>
    private static void VerifyFolder(string folder, string displayFolder, List<ScanTarget> bundled, ModelSignaturePolicy? policy, Func<string, FileDigest> hashFile, SeverityResolver resolver, List<ReportedFinding> reported)
    {
        var byRelative = new Dictionary<string, ScanTarget>(StringComparer.Ordinal);
        foreach (var target in bundled)
        {
            var relative = ModelLockPath.FromFullPath(folder, target.FullPath);
            if (Path.GetFileName(relative) != ModelLockFile.FileName)
            {
                byRelative[relative] = target;
            }
        }

        IReadOnlyList<Finding> findings;
        try
        {
            var request = new ModelSignatureRequest(folder, displayFolder)
            {
                BundledFiles = byRelative.Keys.Where(k => k != SignatureFileName).ToList(),
                HashFile = hashFile,
            };
            findings = policy is null ? NotChecked(request) : ModelSignatureVerifier.Verify(request, policy);
        }
#pragma warning disable CA1031 // One folder that cannot be verified is an MG9001 for that folder, never a crashed build.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            findings = new[] { new Finding(RuleCatalog.InternalError, SignatureDisplayOf(displayFolder), null, null, $"ModelGuard failed while verifying the signature of '{displayFolder}' ({ex.GetType().Name}: {ex.Message}); the model was not verified") };
        }

        var prefix = displayFolder == "." ? string.Empty : displayFolder + "/";
        foreach (var finding in findings)
        {
            var relative = finding.FilePath.StartsWith(prefix, StringComparison.Ordinal) ? finding.FilePath.Substring(prefix.Length) : finding.FilePath;
            if (byRelative.TryGetValue(relative, out var target))
            {
                reported.Add(Report(finding, target, target.Settings, resolver));
            }
            else
            {
                // Not an item (the signature file, a signed file that is missing): the folder's first bundled file decides its level.
                var fullPath = Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar));
                var decision = resolver.Resolve(finding.Rule, bundled[0].Settings);
                reported.Add(new ReportedFinding(finding.Rule, fullPath, finding.FilePath, 0, null, finding.Offset, finding.FormatMessage(), decision));
            }
        }
    }

    /// <summary>
    /// A signature nobody is trusted to have made: MG4105 if it cannot be read, else MG4108. Its files are not compared with its
    /// digests, which vouch for nothing until the signer is verified.
    /// </summary>
    private static IReadOnlyList<Finding> NotChecked(ModelSignatureRequest request)
    {
        var signature = SignatureDisplayOf(request.DisplayFolder);
        return new[]
        {
            ModelSignatureVerifier.CheckReadable(request) ?? new Finding(
                RuleCatalog.SignatureNotChecked,
                signature,
                null,
                null,
                $"the signature '{signature}' was not verified: no trusted signer is configured; trust its signer with a ModelGuardTrustedSigner item (verify --signature: --trusted-key, --trusted-ca or --trusted-identity) or add MG4108 to NoWarn"),
        };
    }

    /// <summary>The problems <see cref="CreatePolicy"/> found, with their levels (project-wide settings: they belong to no file).</summary>
    public static IEnumerable<ReportedFinding> ReportProblems(IEnumerable<Finding> problems, SeverityResolver resolver, FileSettings projectSettings)
        => problems.Select(p => new ReportedFinding(p.Rule, null, null, 0, null, null, p.Message, resolver.Resolve(p.Rule, projectSettings)));

    private static ReportedFinding Report(Finding finding, ScanTarget target, FileSettings settings, SeverityResolver resolver)
        => new(finding.Rule, target.FullPath, target.DisplayPath, 0, null, finding.Offset, finding.FormatMessage(), resolver.Resolve(finding.Rule, settings, target.NoWarn));

    private static string SignatureDisplayOf(string displayFolder) => displayFolder == "." ? SignatureFileName : displayFolder + "/" + SignatureFileName;

    /// <summary>How findings name <paramref name="folder"/>: as the caller shows its signature file, without the file name ("." for the root).</summary>
    private static string DisplayFolderOf(string folder, Func<string, string> displayPathOf)
    {
        var signature = displayPathOf(Path.Combine(folder, SignatureFileName));
        var display = signature.Substring(0, signature.Length - SignatureFileName.Length).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        return display.Length == 0 ? "." : display;
    }

    /// <summary>The nearest folder from <paramref name="directory"/> up to <paramref name="root"/> that holds a signature, memoized per folder.</summary>
    private static string? FindSignedFolder(string directory, string root, Dictionary<string, string?> memo)
    {
        directory = directory.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        if (memo.TryGetValue(directory, out var known))
        {
            return known;
        }

        string? found;
        if (File.Exists(Path.Combine(directory, SignatureFileName)))
        {
            found = directory;
        }
        else
        {
            var parent = Path.GetDirectoryName(directory);
            found = !SameFolder(directory, root) && IsUnder(directory, root) && parent is not null ? FindSignedFolder(parent, root, memo) : null;
        }

        memo[directory] = found;
        return found;
    }

    private static bool SameFolder(string a, string b) => string.Equals(a.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar), b, ScanRun.PathComparison);

    private static bool IsUnder(string directory, string root) => directory.StartsWith(root + Path.DirectorySeparatorChar, ScanRun.PathComparison);
}

/// <summary>What <see cref="SignatureRun.Verify"/> found.</summary>
internal sealed class SignatureRunResult
{
    /// <summary>Findings with their levels, in the order of the folders and files.</summary>
    public List<ReportedFinding> Reported { get; } = new();

    /// <summary>How many signed folders were verified.</summary>
    public int SignedFolders { get; set; }

    /// <summary>How many signed folders were not verified because no trusted signer is configured (one MG4108 or MG4105 each).</summary>
    public int UncheckedFolders { get; set; }
}
