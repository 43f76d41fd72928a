namespace ModelGuard.Engine.Rules;

/// <summary>Severity of a rule, named after Roslyn's <c>DiagnosticSeverity</c> so .editorconfig values map one to one.</summary>
public enum RuleSeverity
{
    /// <summary>Not shown (editorconfig <c>silent</c>/<c>none</c>).</summary>
    Hidden = 0,

    /// <summary>Shown as a message (editorconfig <c>suggestion</c>).</summary>
    Info = 1,

    /// <summary>A build warning.</summary>
    Warning = 2,

    /// <summary>A build error.</summary>
    Error = 3,
}
