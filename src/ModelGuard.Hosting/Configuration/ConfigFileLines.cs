using System.Collections.Generic;

namespace ModelGuard.Hosting.Configuration;

/// <summary>One <c>key = value</c> line of an .editorconfig or global config.</summary>
internal readonly struct ConfigFileSetting
{
    public ConfigFileSetting(int line, string key, string value)
    {
        Line = line;
        Key = key;
        Value = value;
    }

    /// <summary>1-based.</summary>
    public int Line { get; }

    public string Key { get; }

    public string Value { get; }
}

/// <summary>
/// The settings of a configuration file with their line numbers, which Roslyn's parsed <c>AnalyzerConfig</c> does not keep. Lines are
/// read the way Roslyn reads them: <c>key = value</c> or <c>key: value</c>, a <c>#</c> or <c>;</c> starts a comment, sections skipped.
/// </summary>
internal static class ConfigFileLines
{
    private static readonly char[] Separators = { '=', ':' };
    private static readonly char[] CommentStarts = { '#', ';' };

    public static IEnumerable<ConfigFileSetting> Settings(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] is '#' or ';' or '[')
            {
                continue;
            }

            var separator = line.IndexOfAny(Separators);
            if (separator <= 0)
            {
                continue;
            }

            var value = line.Substring(separator + 1);
            var comment = value.IndexOfAny(CommentStarts);
            if (comment >= 0)
            {
                value = value.Substring(0, comment);
            }

            yield return new ConfigFileSetting(i + 1, line.Substring(0, separator).Trim(), value.Trim());
        }
    }
}
