using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;

namespace ModelGuard.Engine.Scanning;

/// <summary>Limits and policy for one scan. Immutable and shareable across threads.</summary>
public sealed class ScanOptions
{
    private readonly IReadOnlyCollection<string> _allowedGlobals = Array.Empty<string>();
    private readonly HashSet<string> _allowedGlobalSet = new(StringComparer.Ordinal);
    private readonly IReadOnlyCollection<string> _allowProfiles = Array.Empty<string>();
    private readonly Policy.PolicyList[] _profileLists = Array.Empty<Policy.PolicyList>();
    private readonly IReadOnlyCollection<string> _allowedNativeLibraries = Array.Empty<string>();

    /// <summary>The defaults the build and the CLI use.</summary>
    public static ScanOptions Default { get; } = new();

    /// <summary>How many containers may nest inside each other (a zip inside a gzip is depth 2).</summary>
    public int MaxContainerDepth { get; init; } = 4;

    /// <summary>The most bytes one compressed stream (a deflate member, a gzip/bzip2/xz/zlib/.lzma wrapper) may expand to before its scan stops and reports it (MG3020).</summary>
    public long MaxDecompressedBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// The most decompressed bytes one file may produce in all, across every member and nesting level, before the scan of the
    /// file stops and reports it (MG3020): many members that share one compressed kernel must not each cost <see cref="MaxDecompressedBytes"/>.
    /// </summary>
    public long MaxTotalDecompressedBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>The most entries one zip or tar archive may have before the scan of the file stops and reports it (MG3020).</summary>
    public int MaxArchiveEntries { get; init; } = 100_000;

    /// <summary>
    /// How long scanning one file may take before the scan stops and reports it (MG3021); <see cref="TimeSpan.Zero"/> or less
    /// means no limit. Checked while the file is read, decompressed and walked, so a crafted file cannot hang the build.
    /// </summary>
    public TimeSpan MaxScanTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Extra globals the user allows (their own classes), as <c>module.name</c>. They extend the allowlist and can
    /// never allow a global the denylist names: a dangerous import stays MG1001 whatever is listed here.
    /// </summary>
    public IReadOnlyCollection<string> AllowedGlobals
    {
        get => _allowedGlobals;
        init
        {
            _allowedGlobals = (value ?? throw new ArgumentNullException(nameof(value)))
                .Select(v => v.Trim())
                .Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .ToArray();
            _allowedGlobalSet = new HashSet<string>(_allowedGlobals, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// Opt-in allowlist profiles (<see cref="Policy.AllowProfiles.Names"/>: pandas, xgboost, transformers, ...), case-insensitive.
    /// Like <see cref="AllowedGlobals"/> they extend the allowlist and never allow a global the denylist names.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a profile (configuration readers check <see cref="Policy.AllowProfiles.Exists"/> first).</exception>
    public IReadOnlyCollection<string> AllowProfiles
    {
        get => _allowProfiles;
        init
        {
            var names = (value ?? throw new ArgumentNullException(nameof(value)))
                .Select(v => v.Trim().ToLowerInvariant())
                .Where(v => v.Length > 0)
                .Distinct(StringComparer.Ordinal)
                .OrderBy(v => v, StringComparer.Ordinal)
                .ToArray();
            var unknown = names.FirstOrDefault(n => !Policy.AllowProfiles.Exists(n));
            if (unknown is not null)
            {
                throw new ArgumentException($"'{unknown}' is not an allowlist profile; the profiles are {string.Join(", ", Policy.AllowProfiles.Names)}.", nameof(value));
            }

            _allowProfiles = names;
            _profileLists = names.Select(Policy.AllowProfiles.Get).ToArray();
        }
    }

    /// <summary>
    /// Native custom-op libraries the project allows an ONNX Runtime GenAI config to load (<c>custom_ops_library</c>), as the config
    /// writes them or by file name. Anything else is MG5030.
    /// </summary>
    public IReadOnlyCollection<string> AllowedNativeLibraries
    {
        get => _allowedNativeLibraries;
        init => _allowedNativeLibraries = (value ?? throw new ArgumentNullException(nameof(value)))
            .Select(v => v.Trim())
            .Where(v => v.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .OrderBy(v => v, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>
    /// Whether plain-data pickle streams are vouched for by <see cref="Formats.Pickle.DataPickleWalker"/> instead of the full
    /// simulation. It never changes a verdict (tests compare every scan both ways), so it is not part of <see cref="Fingerprint"/>.
    /// </summary>
    internal bool WalkDataPickles { get; init; } = true;

    internal bool IsUserAllowed(string qualifiedName) => _allowedGlobalSet.Contains(qualifiedName);

    internal bool IsProfileAllowed(string qualifiedName)
    {
        foreach (var list in _profileLists)
        {
            if (list.Contains(qualifiedName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A stable digest of everything here that can change a verdict, for caches keyed by engine version and policy.
    /// </summary>
    public string Fingerprint
    {
        get
        {
            var text = new StringBuilder()
                .Append(EngineInfo.Version).Append('\n')
                .Append(MaxContainerDepth).Append('\n')
                .Append(MaxDecompressedBytes).Append('\n')
                .Append(MaxTotalDecompressedBytes).Append('\n')
                .Append(MaxArchiveEntries).Append('\n')
                .Append(MaxScanTime.Ticks).Append('\n')
                .Append(string.Join("\n", _allowedGlobals)).Append('\n')
                .Append("profiles:").Append(string.Join(",", _allowProfiles)).Append('\n')
                .Append("native:").Append(string.Join("\n", _allowedNativeLibraries));
            using var sha = SHA256.Create();
            return BitConverter.ToString(sha.ComputeHash(Encoding.UTF8.GetBytes(text.ToString()))).Replace("-", string.Empty);
        }
    }
}
