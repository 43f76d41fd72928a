using System;

namespace ModelGuard.Engine.Rules;

/// <summary>Everything the build, the CLI and the docs need to know about one rule.</summary>
public sealed class RuleDescriptor
{
    private readonly string? _cause;

    internal RuleDescriptor(string id, string title, string category, RuleSeverity defaultSeverity, string description, string howToFix, string example)
    {
        Id = id;
        Title = title;
        Category = category;
        DefaultSeverity = defaultSeverity;
        Description = description;
        HowToFix = howToFix;
        Example = example;
    }

    /// <summary>The diagnostic ID, e.g. <c>MG1001</c>.</summary>
    public string Id { get; }

    /// <summary>A one-line title.</summary>
    public string Title { get; }

    /// <summary>The category used by <c>dotnet_analyzer_diagnostic.category-&lt;Category&gt;.severity</c>.</summary>
    public string Category { get; }

    /// <summary>The severity when nothing configures the rule.</summary>
    public RuleSeverity DefaultSeverity { get; }

    /// <summary>Why the rule exists (the "Rule description" of its docs page).</summary>
    public string Description { get; }

    /// <summary>What a user does about a finding (the "How to fix" of its docs page).</summary>
    public string HowToFix { get; }

    /// <summary>A build output line the rule produces (the "Example" of its docs page).</summary>
    public string Example { get; }

    /// <summary>
    /// A PascalCase name for tools (SARIF <c>reportingDescriptor.name</c>): the name of the rule's constant in <see cref="RuleIds"/>.
    /// </summary>
    public string Name => RuleCatalog.NameOf(Id);

    /// <summary>What triggers the rule, in one sentence (the "Cause" of its docs page); defaults to the title.</summary>
    public string Cause
    {
        get => _cause ?? Title + ".";
        init => _cause = value;
    }

    /// <summary>
    /// The release that first shipped the rule (<c>AnalyzerReleases.Shipped.md</c>), or null while it is unshipped
    /// (<c>AnalyzerReleases.Unshipped.md</c>).
    /// </summary>
    public string? ShippedIn { get; init; }

    /// <summary>The rule's documentation page.</summary>
    public Uri HelpLink => new(RuleCatalog.HelpLinkBase + Id + ".md");

    /// <inheritdoc />
    public override string ToString() => Id + ": " + Title;
}
