using System;
using System.Collections.Generic;
using System.Linq;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>The issues of one file, at most <see cref="MaxPerRule"/> per rule, the rest counted in one closing issue.</summary>
internal sealed class GgufIssueList
{
    /// <summary>Findings per rule and file before the rest are summarised in one.</summary>
    public const int MaxPerRule = 10;

    private readonly List<FormatIssue> _issues = new();
    private readonly Dictionary<string, (RuleDescriptor Rule, int Count)> _counts = new(StringComparer.Ordinal);

    public void Add(RuleDescriptor rule, long? offset, string message)
    {
        var count = _counts.TryGetValue(rule.Id, out var entry) ? entry.Count + 1 : 1;
        _counts[rule.Id] = (rule, count);
        if (count <= MaxPerRule)
        {
            _issues.Add(new FormatIssue(rule, offset, message));
        }
    }

    public bool Has(RuleDescriptor rule) => _counts.ContainsKey(rule.Id);

    /// <summary>The issues in the order they were found, then one summary per rule that had more than <see cref="MaxPerRule"/>.</summary>
    public IReadOnlyList<FormatIssue> ToList()
    {
        var all = new List<FormatIssue>(_issues);
        foreach (var (rule, count) in _counts.Values.Where(v => v.Count > MaxPerRule).OrderBy(v => v.Rule.Id, StringComparer.Ordinal))
        {
            all.Add(new FormatIssue(rule, null, $"{count - MaxPerRule} more {rule.Id} problems in this file are not listed one by one"));
        }

        return all;
    }
}
