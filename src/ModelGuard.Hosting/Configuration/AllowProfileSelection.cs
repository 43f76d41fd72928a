using System;
using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Policy;

namespace ModelGuard.Hosting.Configuration;

/// <summary>
/// The allowlist profiles a file is scanned with: the project's <c>@(ModelGuardAllowProfile)</c> plus its
/// <c>modelguard_allow_profiles</c>. A name that is no profile is reported once (MG9004) and left out; the files are
/// still scanned, so a typo can only make the scan stricter.
/// </summary>
internal sealed class AllowProfileSelection
{
    private readonly string[] _project;
    private readonly HashSet<string> _unknown = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _problems = new();

    public AllowProfileSelection(IEnumerable<string> projectProfiles)
        => _project = Known(projectProfiles.SelectMany(Split), "the ModelGuardAllowProfile item").ToArray();

    /// <summary>What to report: one message per unknown profile name.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The known profiles for a file whose configuration names <paramref name="fileProfiles"/>.</summary>
    public IReadOnlyCollection<string> For(IReadOnlyList<string> fileProfiles)
        => fileProfiles.Count == 0 ? _project : _project.Concat(Known(fileProfiles, FileSettings.AllowProfilesKey)).ToArray();

    private static IEnumerable<string> Split(string spec) => spec.Split(new[] { ';', ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);

    private IEnumerable<string> Known(IEnumerable<string> names, string source)
    {
        foreach (var name in names.Select(n => n.Trim()).Where(n => n.Length > 0))
        {
            if (AllowProfiles.Exists(name))
            {
                yield return name;
            }
            else if (_unknown.Add(name))
            {
                _problems.Add($"'{name}' in {source} is not an allowlist profile, so it was ignored; the profiles are {string.Join(", ", AllowProfiles.Names)}");
            }
        }
    }
}
