using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NJsonSchema;
using NJsonSchema.Validation;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>
/// Validates SARIF logs against the official SARIF 2.1.0 JSON schema (sarif-2.1.0.json from the Sarif.Sdk package, copied to
/// the test output by the project file), plus the structural facts ModelGuard's consumers rely on.
/// </summary>
internal static class SarifSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Schemas", "sarif-2.1.0.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: the Sarif.Sdk package download did not run (see ModelGuard.IntegrationTests.csproj).");
        }

        return JsonSchema.FromFileAsync(path).GetAwaiter().GetResult();
    });

    /// <summary>Every schema violation, nested ones included, as "path: kind" lines; empty when the log is valid.</summary>
    public static IReadOnlyList<string> Validate(string json)
    {
        var errors = new List<string>();
        Flatten(Schema.Value.Validate(json), errors);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Require(errors, root.TryGetProperty("version", out var version) && version.GetString() == "2.1.0", "version must be 2.1.0");
        foreach (var run in root.GetProperty("runs").EnumerateArray())
        {
            var driver = run.GetProperty("tool").GetProperty("driver");
            Require(errors, driver.TryGetProperty("name", out _), "tool.driver.name is required");
            var ruleIds = driver.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
            foreach (var result in run.GetProperty("results").EnumerateArray())
            {
                Require(errors, result.TryGetProperty("message", out var message) && message.TryGetProperty("text", out _), "result.message.text is required");
                var ruleId = result.GetProperty("ruleId").GetString();
                Require(errors, ruleIds.Contains(ruleId), $"result rule {ruleId} is not in tool.driver.rules");
                if (result.TryGetProperty("ruleIndex", out var index))
                {
                    Require(errors, ruleIds[index.GetInt32()] == ruleId, $"ruleIndex of {ruleId} points at another rule");
                }
            }
        }

        return errors;
    }

    private static void Require(List<string> errors, bool condition, string message)
    {
        if (!condition)
        {
            errors.Add(message);
        }
    }

    private static void Flatten(IEnumerable<ValidationError> validationErrors, List<string> into)
    {
        foreach (var error in validationErrors)
        {
            into.Add($"{error.Path}: {error.Kind}");
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in child.Errors.Values)
                {
                    Flatten(nested, into);
                }
            }
        }
    }
}
