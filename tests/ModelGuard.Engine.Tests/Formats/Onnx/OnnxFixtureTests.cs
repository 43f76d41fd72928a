using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Formats.Onnx;

/// <summary>
/// Models written by Debian's python3-onnx (Fixtures/onnx/make_onnx.py): benign ones scan clean as ONNX, crafted ones report
/// exactly the rules expected.json lists for them (warnings and errors; both external-data and structure rules need the files
/// beside the model, so each is scanned from disk).
/// </summary>
public sealed class OnnxFixtureTests
{
    public static TheoryData<string> Fixtures() => OnnxFixtures.Theory();

    [Fact]
    public void Every_fixture_folder_is_in_the_expectations()
    {
        var models = Directory.EnumerateFiles(OnnxFixtures.Root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(OnnxFixtures.Root, f).Replace('\\', '/'))
            .Where(f => f.EndsWith(".onnx", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal) && f.Contains('/', StringComparison.Ordinal) || f.EndsWith(".bin", StringComparison.Ordinal))
            .ToList();
        Assert.True(models.Count > 40, string.Join("\n", models));
        Assert.All(models, m => Assert.Contains(m, OnnxFixtures.Expected.Keys));
        Assert.True(OnnxFixtures.Expected.Count(e => e.Key.StartsWith("benign/", StringComparison.Ordinal)) >= 10);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Fixture_reports_exactly_its_expected_rules(string name)
    {
        var result = new ModelScanner().ScanFile(OnnxFixtures.PathOf(name), name);
        var expected = OnnxFixtures.Expected[name];
        var actual = result.Findings.Where(f => f.Rule.DefaultSeverity >= RuleSeverity.Warning).Select(f => f.Rule.Id).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToArray();
        Assert.True(expected.SequenceEqual(actual), $"{name}: expected [{string.Join(", ", expected)}] but got:\n{string.Join("\n", result.Findings)}");
        if (name.StartsWith("benign/", StringComparison.Ordinal) && !name.EndsWith(".json", StringComparison.Ordinal))
        {
            Assert.Equal(ContentFormat.Onnx, result.Format);
            Assert.Empty(result.Findings);
        }
    }

    [Fact]
    public void External_data_files_are_reported_as_referenced()
    {
        var result = new ModelScanner().ScanFile(OnnxFixtures.PathOf("benign/external_per_tensor/model.onnx"));
        Assert.Equal(2, result.ReferencedFiles.Count);
        Assert.All(result.ReferencedFiles, f => Assert.True(File.Exists(f), f));
        Assert.Empty(new ModelScanner().ScanFile(OnnxFixtures.PathOf("benign/initializers/model.onnx")).ReferencedFiles);
    }
}

/// <summary>Fixtures/onnx and its expected.json.</summary>
internal static class OnnxFixtures
{
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    public static System.Collections.Generic.IReadOnlyDictionary<string, string[]> Expected => LazyExpected.Value;

    private static readonly Lazy<System.Collections.Generic.Dictionary<string, string[]>> LazyExpected = new(() =>
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "expected.json")));
        return document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray(), StringComparer.Ordinal);
    });

    public static string PathOf(string name) => Path.Combine(Root, name.Replace('/', Path.DirectorySeparatorChar));

    public static byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    public static TheoryData<string> Theory()
    {
        var data = new TheoryData<string>();
        foreach (var name in Expected.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            data.Add(name);
        }

        return data;
    }
}
