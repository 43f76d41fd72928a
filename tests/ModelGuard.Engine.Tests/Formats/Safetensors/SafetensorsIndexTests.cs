using System;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

/// <summary>A sharded model's index must stay inside its folder and agree with its shards' headers.</summary>
public sealed class SafetensorsIndexTests : IDisposable
{
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "modelguard-index-" + Guid.NewGuid().ToString("N"));

    public SafetensorsIndexTests()
    {
        Directory.CreateDirectory(_folder);
        WriteShard(Shard1, new SafetensorsWriter().Metadata("format", "pt").Tensor("embed.weight", "F32", 8, 4).Tensor("layers.0.weight", "F32", 4, 4));
        WriteShard(Shard2, new SafetensorsWriter().Metadata("format", "pt").Tensor("layers.1.weight", "F32", 4, 4).Tensor("lm_head.weight", "F32", 8, 4));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_consistent_index_is_clean()
    {
        var result = ScanIndex(Index(totalSize: 384, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2), ("lm_head.weight", Shard2)));
        Assert.True(result.Findings.Count == 0, Describe(result));
    }

    [Theory]
    [InlineData("../other/model.safetensors", "contains a '..' segment")]
    [InlineData("/etc/model.safetensors", "is an absolute path")]
    [InlineData("C:/models/model.safetensors", "starts with a drive letter")]
    [InlineData("c:model.safetensors", "starts with a drive letter")]
    [InlineData("sub\\model.safetensors", "contains a backslash")]
    [InlineData("model.safetensors:stream", "contains ':'")]
    [InlineData("sub/../../model.safetensors", "contains a '..' segment")]
    [InlineData("", "is empty")]
    public void MG2202_paths_that_leave_the_model_folder(string path, string reason)
    {
        var result = ScanIndex(Index(null, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2), ("lm_head.weight", path), ("lm_head.weight", Shard2)));
        var finding = Single(result, RuleIds.SafetensorsIndexPathEscapesFolder);
        Assert.Contains(reason, finding.Message, StringComparison.Ordinal);
        Assert.Contains("1 tensor (first 'lm_head.weight')", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MG2203_missing_shard()
    {
        var result = ScanIndex(Index(null, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2), ("lm_head.weight", Shard2), ("extra.weight", "model-00003-of-00003.safetensors")));
        var finding = Single(result, RuleIds.SafetensorsIndexMissingShard);
        Assert.Equal("weight_map maps 1 tensor (first 'extra.weight') to 'model-00003-of-00003.safetensors', which does not exist next to the index", finding.Message);
    }

    [Fact]
    public void MG2204_tensor_listed_for_a_shard_that_does_not_hold_it()
    {
        var result = ScanIndex(Index(null, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2), ("lm_head.weight", Shard1)));
        var messages = result.Findings.Where(f => f.Rule.Id == RuleIds.SafetensorsIndexShardMismatch).Select(f => f.Message).ToList();
        Assert.Contains($"the index maps 1 tensor to '{Shard1}' that its header does not contain: 'lm_head.weight'", messages);
        Assert.Contains($"shard '{Shard2}' contains 1 tensor that the index maps to another shard: 'lm_head.weight' (mapped to '{Shard1}')", messages);
        Assert.Equal(2, messages.Count);
    }

    [Fact]
    public void MG2204_shard_holds_a_tensor_the_index_omits()
    {
        var result = ScanIndex(Index(null, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2)));
        var finding = Single(result, RuleIds.SafetensorsIndexShardMismatch);
        Assert.Equal($"shard '{Shard2}' contains 1 tensor that the index does not list: 'lm_head.weight'", finding.Message);
    }

    [Fact]
    public void MG2204_shard_with_an_invalid_header_and_duplicate_entries()
    {
        File.WriteAllBytes(Path.Combine(_folder, Shard2), Encoding.ASCII.GetBytes("not safetensors"));
        var result = ScanIndex(Index(null, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2), ("lm_head.weight", Shard2)));
        var messages = result.Findings.Where(f => f.Rule.Id == RuleIds.SafetensorsIndexShardMismatch).Select(f => f.Message).ToList();
        Assert.Contains(messages, m => m.StartsWith($"shard '{Shard2}' has no valid safetensors header (MG2002:", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("weight_map lists tensor 'layers.0.weight' 2 times", StringComparison.Ordinal));
    }

    [Fact]
    public void MG2205_total_size_that_does_not_match()
    {
        var result = ScanIndex(Index(totalSize: 1000, ("embed.weight", Shard1), ("layers.0.weight", Shard1), ("layers.1.weight", Shard2), ("lm_head.weight", Shard2)));
        var finding = Single(result, RuleIds.SafetensorsIndexTotalSizeMismatch);
        Assert.Equal("metadata.total_size is 1000 bytes but the shards' tensors take 384 bytes (616 bytes fewer)", finding.Message);
        Assert.Equal(RuleSeverity.Warning, finding.Rule.DefaultSeverity);
    }

    [Theory]
    [InlineData("{\"weight_map\":", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{\"metadata\":{}}", "has no weight_map")]
    [InlineData("{\"weight_map\":[]}", "weight_map is an array")]
    [InlineData("{\"weight_map\":{\"w\":1}}", "maps tensor 'w' to a number")]
    public void MG2201_unreadable_index(string json, string reason)
    {
        var result = ScanIndex(json);
        var finding = Single(result, RuleIds.SafetensorsIndexUnreadable);
        Assert.Contains(reason, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shards_are_read_header_only_and_a_stream_scan_checks_paths_only()
    {
        var json = Index(null, ("embed.weight", Shard1), ("x", "../escape.safetensors"), ("y", "missing.safetensors"));
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var result = new ModelScanner().Scan(stream, "model.safetensors.index.json");
        Assert.Equal(new[] { RuleIds.SafetensorsIndexPathEscapesFolder }, result.Findings.Select(f => f.Rule.Id));
    }

    [Fact]
    public void Only_top_level_index_files_are_validated()
    {
        var zip = new ZipBuilder();
        zip.AddStored("model.safetensors.index.json", Encoding.UTF8.GetBytes("{\"weight_map\":{\"w\":\"../x.safetensors\"}}"));
        using var stream = new MemoryStream(zip.ToArray());
        var result = new ModelScanner().Scan(stream, "bundle.zip");
        Assert.DoesNotContain(result.Findings, f => f.Rule.Category == RuleCategories.Safetensors);
    }

    private static string Index(long? totalSize, params (string Tensor, string Shard)[] map)
    {
        var metadata = totalSize is { } total ? $"\"metadata\":{{\"total_size\":{total}}}," : string.Empty;
        return "{" + metadata + "\"weight_map\":{" + string.Join(",", map.Select(e => SafetensorsWriter.Quote(e.Tensor) + ":" + SafetensorsWriter.Quote(e.Shard))) + "}}";
    }

    private static Finding Single(ScanResult result, string id)
    {
        var matching = result.Findings.Where(f => f.Rule.Id == id).ToArray();
        Assert.True(matching.Length == 1, $"expected one {id} but got:\n{Describe(result)}");
        return matching[0];
    }

    private static string Describe(ScanResult result) => string.Join("\n", result.Findings.Select(f => f.ToString()));

    private ScanResult ScanIndex(string json)
    {
        var path = Path.Combine(_folder, "model.safetensors.index.json");
        File.WriteAllText(path, json);
        return new ModelScanner().ScanFile(path, "models/model.safetensors.index.json");
    }

    private void WriteShard(string name, SafetensorsWriter writer) => File.WriteAllBytes(Path.Combine(_folder, name), writer.ToArray());
}
