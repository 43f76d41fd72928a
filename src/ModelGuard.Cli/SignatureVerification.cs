using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Integrity;
using ModelGuard.Engine.Integrity.Signing;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Integrity;
using ModelGuard.Hosting.Reporting;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Cli;

/// <summary>
/// <c>modelguard verify --signature</c>: the build's signature check (<see cref="SignatureRun"/>) over folders, each treated as a
/// project folder whose files are all bundled. The signer options are taken here; the report options (<c>--format</c>,
/// <c>--output</c>, <c>--fail-on</c>, severities) are <c>scan</c>'s, parsed by <see cref="ScanArguments"/>.
/// </summary>
internal static class SignatureVerification
{
    internal static readonly string Help =
        "Usage: modelguard verify --signature <dir>... [--trusted-key <file>]... [--trusted-ca <file>]...\n"
        + "                         [--trusted-identity <id> --issuer <url>]... [--trusted-root <file>] [--require-signature] [options]\n"
        + "\n"
        + "Verifies OpenSSF Model Signing signatures (model.sig, written by `python -m model_signing sign`) offline, as the build\n"
        + "does: each file under <dir> belongs to the nearest model.sig in its folder or above it up to <dir>; every signed folder's\n"
        + "signature, signer and file digests are checked and every file it does not cover is reported (MG4101-MG4107).\n"
        + "Without a --trusted-* option (and without --require-signature) nothing can be verified: each model.sig is a warning,\n"
        + "MG4108, and its digests are not compared.\n"
        + "\n"
        + "Signature options:\n"
        + "  --trusted-key <file>         a PEM public key (ECDSA P-256, P-384 or P-521) that may sign\n"
        + "  --trusted-ca <file>          a PEM certificate authority that may issue signing certificates\n"
        + "  --trusted-identity <id>      a Sigstore identity (e-mail or workflow URI), followed by its --issuer <url>\n"
        + "  --trusted-root <file>        a Sigstore trusted_root.json replacing the embedded public-good root\n"
        + "  --require-signature          a model (recognised by content) that no model.sig covers is an error (MG4106)\n"
        + "\n"
        + "Report options, as for scan: -f/--format <text|json|sarif|github>, -o/--output <file>, --fail-on <error|warning|note>,\n"
        + "--config <file>, --no-warn <IDs>, --warnaserror[=<IDs>], --warnnotaserror=<IDs>, --help-link-base <url>, -q/--quiet.\n"
        + "\n"
        + "Examples:\n"
        + "  modelguard verify --signature models/llama --trusted-key keys/publisher.pub\n"
        + "  modelguard verify --signature models --trusted-identity https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main \\\n"
        + "      --issuer https://token.actions.githubusercontent.com --require-signature --format sarif --output signatures.sarif\n"
        + "\n"
        + "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, 3 internal failure.";

    /// <summary><c>scan</c> options that mean nothing to a signature check; refused rather than silently ignored.</summary>
    private static readonly HashSet<string> ScanOnlyOptions = new(StringComparer.Ordinal) { "--allow", "--allow-profile", "--allowlist", "--allow-native-library", "--max-scan-time" };

    /// <summary>Runs <c>verify --signature</c> with the arguments after <c>verify</c>.</summary>
    public static int Run(IReadOnlyList<string> args, string workingDirectory, TextWriter stdout, TextWriter stderr)
    {
        var stopwatch = Stopwatch.StartNew();
        var startUtc = DateTime.UtcNow;
        var request = Parse(args, workingDirectory, out var problem, out var help);
        if (help)
        {
            stdout.WriteLine(Help);
            return ExitCodes.Clean;
        }

        if (request is null)
        {
            return Usage(stderr, problem!);
        }

        var settings = request.Report;
        var helpLinks = HelpLinks.Parse(settings.HelpLinkBase, "--help-link-base", out var linkProblem);
        var signerProblems = new List<Finding>();
        var policy = SignatureRun.CreatePolicy(request.Signers, request.TrustedRoot, workingDirectory, signerProblems);
        if ((linkProblem ?? signerProblems.FirstOrDefault()?.Message) is { } usage)
        {
            // As for scan's --allowlist: a command line that names an unusable file is a usage error, not a finding.
            return Usage(stderr, usage);
        }

        var resolver = new SeverityResolver(string.Join(";", settings.NoWarn), string.Join(";", settings.WarningsAsErrors), string.Join(";", settings.WarningsNotAsErrors), settings.TreatWarningsAsErrors);
        var reported = new List<ReportedFinding>();
        var looked = new List<ScanTarget>();
        var signedFolders = 0;
        foreach (var path in settings.Paths)
        {
            var root = Path.GetFullPath(Path.Combine(workingDirectory, path));
            if (!Directory.Exists(root))
            {
                if (!File.Exists(root))
                {
                    return Usage(stderr, $"'{path}' does not exist");
                }

                root = Path.GetDirectoryName(root)!;
            }

            var targets = FileWalker.Expand(new[] { path }, workingDirectory, settings.Output);
            var configuration = ScanRun.LoadConfiguration(settings.ConfigFiles, targets, discoverEditorConfigs: true, discoverGlobalConfigs: true, cached: null);
            ScanRun.AssignScanners(targets, configuration, Array.Empty<string>(), new AllowProfileSelection(Array.Empty<string>()), Array.Empty<string>(), ScanRun.ParseMaxScanTime(null, "--max-scan-time", out _));
            if (request.RequireSignature)
            {
                // Which files are models is the scan's verdict on their content, as in the build; its findings are scan's to report.
                ScanRun.ScanAll(targets, cache: null, DateTime.UtcNow);
            }

            reported.AddRange(ScanRun.Resolve(Array.Empty<ScanTarget>(), configuration, resolver, Array.Empty<string>(), p => FileWalker.DisplayPathOf(p, workingDirectory)));
            var result = SignatureRun.Verify(targets, root, policy, request.RequireSignature ? "--require-signature" : null, FileHasher.HashFile, resolver, p => FileWalker.DisplayPathOf(p, workingDirectory));
            reported.AddRange(result.Reported);
            looked.AddRange(targets);
            signedFolders += result.SignedFolders;
        }

        var summary = string.Format(
            CultureInfo.InvariantCulture,
            "ModelGuard: verified {0} signed folder(s) ({1} file(s)): {2}",
            signedFolders,
            looked.Count,
            ScanSummary.Outcome(reported, stopwatch.ElapsedMilliseconds));
        return ScanCommand.Emit(settings, reported, looked, summary, startUtc, helpLinks, workingDirectory, stdout, stderr);
    }

    /// <summary>Takes the signature options out of <paramref name="args"/> and leaves the rest to <see cref="ScanArguments"/>.</summary>
    internal static SignatureRequest? Parse(IReadOnlyList<string> args, string workingDirectory, out string? problem, out bool help)
    {
        var signers = new List<TrustedSigner>();
        var rest = new List<string>();
        string? trustedRoot = null;
        var requireSignature = false;
        problem = null;
        help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                rest.AddRange(args.Skip(i));
                break;
            }

            var equals = arg.StartsWith("--", StringComparison.Ordinal) ? arg.IndexOf('=') : -1;
            var name = equals > 0 ? arg.Substring(0, equals) : arg;
            string? Value() => equals > 0 ? arg.Substring(equals + 1) : i + 1 < args.Count ? args[++i] : null;
            switch (name)
            {
                case "--signature":
                    continue;
                case "--require-signature":
                    requireSignature = true;
                    continue;
                case "--trusted-key":
                case "--trusted-ca":
                case "--trusted-identity":
                case "--issuer":
                case "--trusted-root":
                    break;
                default:
                    if (ScanOnlyOptions.Contains(name))
                    {
                        problem = $"{name} is an option of scan, not of verify --signature";
                        return null;
                    }

                    rest.Add(arg);
                    continue;
            }

            var value = Value();
            if (string.IsNullOrWhiteSpace(value))
            {
                problem = $"{name} needs a value";
                return null;
            }

            switch (name)
            {
                case "--trusted-key":
                    signers.Add(new TrustedSigner(value!, "key"));
                    break;
                case "--trusted-ca":
                    signers.Add(new TrustedSigner(value!, "certificate"));
                    break;
                case "--trusted-identity":
                    signers.Add(new TrustedSigner(value!, "sigstore"));
                    break;
                case "--issuer":
                    var index = signers.FindLastIndex(s => s.Kind == "sigstore");
                    if (index < 0 || signers[index].Issuer is not null)
                    {
                        problem = $"--issuer '{value}' follows no --trusted-identity without an issuer";
                        return null;
                    }

                    signers[index] = new TrustedSigner(signers[index].Value, "sigstore", value);
                    break;
                default:
                    trustedRoot = value;
                    break;
            }
        }

        if (signers.FirstOrDefault(s => s.Kind == "sigstore" && s.Issuer is null) is { } alone)
        {
            problem = $"--trusted-identity '{alone.Value}' needs its OIDC issuer: --issuer <url> after it";
            return null;
        }

        var report = ScanArguments.Parse(rest, workingDirectory, out problem, out help);
        return report is null || help ? null : new SignatureRequest(report, signers, trustedRoot, requireSignature);
    }

    private static int Usage(TextWriter stderr, string problem)
    {
        stderr.WriteLine("modelguard: " + problem);
        stderr.WriteLine();
        stderr.WriteLine(Help);
        return ExitCodes.UsageError;
    }
}

/// <summary>What <c>modelguard verify --signature</c> was asked to do.</summary>
internal sealed class SignatureRequest
{
    public SignatureRequest(ScanSettings report, IReadOnlyList<TrustedSigner> signers, string? trustedRoot, bool requireSignature)
    {
        Report = report;
        Signers = signers;
        TrustedRoot = trustedRoot;
        RequireSignature = requireSignature;
    }

    /// <summary>The folders (<see cref="ScanSettings.Paths"/>) and the report options, as <c>scan</c> takes them.</summary>
    public ScanSettings Report { get; }

    public IReadOnlyList<TrustedSigner> Signers { get; }

    public string? TrustedRoot { get; }

    public bool RequireSignature { get; }
}
