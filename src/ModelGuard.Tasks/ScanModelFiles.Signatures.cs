using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Build.Framework;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Integrity;
using ModelGuard.Engine.Integrity.Signing;
using ModelGuard.Hosting.Caching;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Integrity;
using ModelGuard.Hosting.Reporting;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Tasks;

/// <summary>OpenSSF Model Signing: the task's inputs; <see cref="SignatureRun"/> does the work.</summary>
public sealed partial class ScanModelFiles
{
    /// <summary>Item metadata of <see cref="TrustedSigners"/>: key (the default), certificate or sigstore.</summary>
    public const string SignerKindMetadata = "Kind";

    /// <summary>Item metadata of a sigstore <see cref="TrustedSigners"/> item: its OIDC issuer.</summary>
    public const string SignerIssuerMetadata = "Issuer";

    /// <summary>
    /// Whom the project trusts to sign models (<c>@(ModelGuardTrustedSigner)</c>): a PEM public key file, a PEM CA file
    /// (<c>Kind="certificate"</c>) or a Sigstore identity (<c>Kind="sigstore" Issuer="..."</c>, the item is the identity).
    /// </summary>
    public ITaskItem[] TrustedSigners { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>A bundled model that no <c>model.sig</c> covers is an error, MG4106 (<c>$(ModelGuardRequireSignature)</c>).</summary>
    public bool RequireSignature { get; set; }

    /// <summary>A <c>trusted_root.json</c> replacing the embedded public-good Sigstore root (<c>$(ModelGuardSigstoreTrustedRoot)</c>).</summary>
    public string? SigstoreTrustedRoot { get; set; }

    /// <summary>Verifies every bundled <c>model.sig</c>; file digests come from <paramref name="hashes"/>, the lock file's cache.</summary>
    private List<ReportedFinding> VerifySignatures(List<ScanTarget> targets, ResolvedConfiguration configuration, SeverityResolver resolver, FileHashCache hashes)
    {
        var signers = (TrustedSigners ?? Array.Empty<ITaskItem>())
            .Select(i => new TrustedSigner(i.ItemSpec.Trim(), i.GetMetadata(SignerKindMetadata).Trim(), i.GetMetadata(SignerIssuerMetadata).Trim()))
            .ToList();
        var problems = new List<Finding>();
        var projectDirectory = string.IsNullOrEmpty(ProjectDirectory) ? Environment.CurrentDirectory : ProjectDirectory;
        var (hashedBefore, cachedBefore) = (hashes.FilesHashed, hashes.FilesFromCache);
        var policy = SignatureRun.CreatePolicy(signers, SigstoreTrustedRoot, projectDirectory, problems);
        var result = SignatureRun.Verify(targets, projectDirectory, policy, RequireSignature ? "ModelGuardRequireSignature" : null, hashes.HashFile, resolver, DisplayPathOf);
        if (result.SignedFolders > 0 || signers.Count > 0 || RequireSignature)
        {
            Log.LogMessage(MessageImportance.Normal, $"ModelGuard: verified {result.SignedFolders} signed model folder(s) against {signers.Count - problems.Count(p => p.Rule == Engine.Rules.RuleCatalog.TrustedSignerUnusable)} trusted signer(s) ({hashes.FilesHashed - hashedBefore} file(s) hashed, {hashes.FilesFromCache - cachedBefore} from cache)");
        }

        return SignatureRun.ReportProblems(problems, resolver, configuration.ProjectSettings).Concat(result.Reported).ToList();
    }
}
