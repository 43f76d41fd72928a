using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>Assertions on what a real build printed and wrote, shared by the end-to-end tests.</summary>
public static class BuildAssertions
{
    public static SarifFile ReadSarif(TestProject project, string relativePath) => ReadSarif(Path.Combine(project.Directory, relativePath));

    public static SarifFile ReadSarif(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        var json = File.ReadAllText(path);
        var errors = SarifSchema.Validate(json);
        Assert.True(errors.Count == 0, "The SARIF log is not schema-valid:\n" + string.Join("\n", errors) + "\n" + json);

        using var document = JsonDocument.Parse(json);
        var run = document.RootElement.GetProperty("runs")[0];
        var results = run.GetProperty("results").EnumerateArray().Select(r =>
        {
            string? uri = null, member = null, parent = null, relativeUri = null;
            long? offset = null;
            if (r.TryGetProperty("locations", out var locations))
            {
                var location = locations[0];
                var artifact = location.GetProperty("physicalLocation").GetProperty("artifactLocation");
                uri = artifact.GetProperty("uri").GetString();
                if (artifact.TryGetProperty("uriBaseId", out var baseId))
                {
                    // As a SARIF consumer resolves it: the run's originalUriBaseIds give the base of a relative URI.
                    relativeUri = uri;
                    var root = run.GetProperty("originalUriBaseIds").GetProperty(baseId.GetString()!).GetProperty("uri").GetString();
                    uri = new Uri(new Uri(root!), uri).AbsoluteUri;
                }

                parent = Path.GetFileName(Path.GetDirectoryName(new Uri(uri!).LocalPath));
                if (location.TryGetProperty("properties", out var properties))
                {
                    member = properties.TryGetProperty("archiveMember", out var m) ? m.GetString() : null;
                    offset = properties.TryGetProperty("byteOffset", out var o) ? o.GetInt64() : null;
                }
            }

            return new SarifResult(r.GetProperty("ruleId").GetString()!, r.GetProperty("level").GetString()!, uri, parent, member, offset, r.TryGetProperty("suppressions", out _), relativeUri);
        }).ToList();
        var automationId = run.TryGetProperty("automationDetails", out var automation) ? automation.GetProperty("id").GetString() : null;
        return new SarifFile(results, automationId);
    }

    public static void AssertShownAsMessage(ProcessResult build, string file, string code)
    {
        var lines = build.Output.Split('\n').Where(l => l.Contains(file, StringComparison.Ordinal) && l.Contains(code, StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count > 0, $"Expected a message {code} for {file}. {build.Describe()}");
        Assert.All(lines, l => Assert.False(l.Contains("warning " + code, StringComparison.Ordinal) || l.Contains("error " + code, StringComparison.Ordinal), $"{file} should be a message, not: {l}"));
    }

    public static void AssertNoLineMentions(ProcessResult build, string text)
        => Assert.False(
            build.Output.Split('\n').Any(l => l.Contains(text, StringComparison.Ordinal) && Regex.IsMatch(l, " MG[0-9]{4}")),
            $"Expected no diagnostic for \"{text}\". {build.Describe()}");

    public static void AssertContains(ProcessResult build, string expected)
        => Assert.True(build.Output.Contains(expected, StringComparison.Ordinal), $"Expected the output to contain \"{expected}\". {build.Describe()}");

    public static void AssertDoesNotContain(ProcessResult build, string unexpected)
        => Assert.False(build.Output.Contains(unexpected, StringComparison.Ordinal), $"Expected the output not to contain \"{unexpected}\". {build.Describe()}");
}

/// <summary>One SARIF result, flattened for assertions.</summary>
/// <param name="Uri">The absolute URI (a relative one resolved against <c>originalUriBaseIds</c>).</param>
/// <param name="RelativeUri">The URI as written when it is relative to a <c>uriBaseId</c>, or null.</param>
public sealed record SarifResult(string RuleId, string Level, string? Uri, string? Parent, string? ArchiveMember, long? ByteOffset, bool Suppressed, string? RelativeUri);

/// <summary>The results of a SARIF log.</summary>
public sealed record SarifFile(System.Collections.Generic.IReadOnlyList<SarifResult> Results, string? AutomationId);
