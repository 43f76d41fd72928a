using System;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// Where the help links of diagnostics and SARIF rules point (<c>$(ModelGuardHelpLinkBase)</c>, <c>--help-link-base</c>): the
/// repository's rule pages by default, or a fork's or an internal mirror's. A rule's link is the base followed by its ID and
/// <c>.md</c>, or the base with <c>{id}</c> replaced by the ID when it has that placeholder (<c>https://docs.example/rules/{id}.html</c>).
/// </summary>
internal sealed class HelpLinks
{
    private const string IdPlaceholder = "{id}";

    private readonly string _base;

    private HelpLinks(string linkBase) => _base = linkBase;

    /// <summary>The repository's own pages (<see cref="RuleCatalog.HelpLinkBase"/>).</summary>
    public static HelpLinks Default { get; } = new(RuleCatalog.HelpLinkBase);

    /// <summary>
    /// The links for <paramref name="linkBase"/>; empty means <see cref="Default"/>. A base that is not an absolute http(s) or file URI
    /// keeps the default and <paramref name="problem"/> says why (reported as MG9004).
    /// </summary>
    public static HelpLinks Parse(string? linkBase, string settingName, out string? problem)
    {
        problem = null;
        linkBase = linkBase?.Trim();
        if (string.IsNullOrEmpty(linkBase))
        {
            return Default;
        }

        var probe = linkBase!.Replace(IdPlaceholder, RuleIds.DangerousImport);
        if (!Uri.TryCreate(probe, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http" or "file"))
        {
            problem = $"{settingName} '{linkBase}' is not an absolute http(s) or file URI; help links point at {RuleCatalog.HelpLinkBase}";
            return Default;
        }

        return new HelpLinks(linkBase.Contains(IdPlaceholder) || linkBase.EndsWith("/", StringComparison.Ordinal) ? linkBase : linkBase + "/");
    }

    /// <summary>The help link of <paramref name="rule"/>.</summary>
    public string For(RuleDescriptor rule)
        => _base.Contains(IdPlaceholder) ? _base.Replace(IdPlaceholder, rule.Id) : _base + rule.Id + ".md";

    /// <summary>The documentation's home: the repository for GitHub <c>/blob/</c> links, else the base up to its last folder.</summary>
    public string InformationUri
    {
        get
        {
            var index = _base.IndexOf("/blob/", StringComparison.Ordinal);
            if (index > 0)
            {
                return _base.Substring(0, index);
            }

            var folder = _base.Contains(IdPlaceholder) ? _base.Substring(0, _base.LastIndexOf('/') + 1) : _base;
            return folder;
        }
    }
}
