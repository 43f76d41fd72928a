using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// Every safetensors rule through the real package and a real `dotnet build`: one project holds one failing file per
/// rule (each must report exactly its rule, read back from the SARIF log), another holds valid files that must build clean.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class SafetensorsEndToEndTests
{
    private const string W = "\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}";
    private const string Shard1 = "model-00001-of-00002.safetensors";
    private const string Shard2 = "model-00002-of-00002.safetensors";

    private readonly PackageFixture _fixture;

    public SafetensorsEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    /// <summary>One file per rule: the rule it must raise, the file and its content.</summary>
    private static IEnumerable<(string Rule, string File, byte[] Content)> FailingFiles()
    {
        yield return (RuleIds.SafetensorsHeaderTooSmall, "short.safetensors", new byte[5]);
        yield return (RuleIds.SafetensorsHeaderTooLarge, "huge-header.safetensors", new SafetensorsWriter().Tensor("w", "F32", 4).DeclaredLength(100_000_001).ToArray());
        yield return (RuleIds.SafetensorsHeaderLengthOutOfBounds, "long-header.safetensors", new SafetensorsWriter().Tensor("w", "F32", 4).DeclaredLength(1000).ToArray());
        var notUtf8 = Encoding.UTF8.GetBytes("{\"wX\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}");
        notUtf8[3] = 0xC0;
        yield return (RuleIds.SafetensorsHeaderNotUtf8, "not-utf8.safetensors", Header(notUtf8, 16));
        yield return (RuleIds.SafetensorsHeaderNotJson, "not-json.safetensors", Header("{" + W + "} x", 16));
        yield return (RuleIds.SafetensorsHeaderSchemaViolation, "bad-dtype.safetensors", Header("{\"w\":{\"dtype\":\"F33\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16));
        yield return (RuleIds.SafetensorsInvalidOffsets, "gap.safetensors", Header("{" + W + ",\"v\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[32,48]}}", 48));
        yield return (RuleIds.SafetensorsSizeOverflow, "overflow.safetensors", Header("{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4294967296],\"data_offsets\":[0,16]}}", 16));
        yield return (RuleIds.SafetensorsMisalignedSlice, "half-byte.safetensors", Header("{\"w\":{\"dtype\":\"F4\",\"shape\":[3],\"data_offsets\":[0,2]}}", 2));
        yield return (RuleIds.SafetensorsTensorSizeMismatch, "size-mismatch.safetensors", Header("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,64]}}", 64));
        yield return (RuleIds.SafetensorsIncompleteBuffer, "trailing.safetensors", new SafetensorsWriter().Tensor("w", "F32", 4).Trailing(new byte[3]).ToArray());
        yield return (RuleIds.SafetensorsDuplicateTensorName, "duplicate.safetensors", Header("{" + W + ",\"\\u0077\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 16));
        yield return (RuleIds.SafetensorsUnsafeTensorName, "traversal.safetensors", new SafetensorsWriter().Tensor("../../etc/passwd", "F32", 4).ToArray());
        yield return (RuleIds.SafetensorsOversizedMetadata, "big-metadata.safetensors", new SafetensorsWriter().Metadata("format", "pt").Metadata("blob", new string('x', 70_000)).Tensor("w", "F32", 4).ToArray());
        yield return (RuleIds.SafetensorsHeaderPadding, "tab-padding.safetensors", new SafetensorsWriter().Metadata("format", "pt").Tensor("w", "F32", 4).Padding((byte)'\t').ToArray());
        yield return (RuleIds.SafetensorsMisalignedTensorData, "misaligned.safetensors", Header("{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]},\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[2,6]}}", 6));
        yield return (RuleIds.SafetensorsUnknownMetadataFormat, "torch-format.safetensors", new SafetensorsWriter().Metadata("format", "torch").Tensor("w", "F32", 4).ToArray());
        yield return (RuleIds.SafetensorsNonCanonicalTensorEntry, "array-entry.safetensors", Header("{\"__metadata__\":{\"format\":\"pt\"},\"w\":[\"F32\",[4],[0,16]]}", 16));
    }

    /// <summary>Sharded models: each case is a folder with its index and shards.</summary>
    private static IEnumerable<(string Rule, string Folder, string Index, bool WithShards)> FailingIndexes()
    {
        yield return (RuleIds.SafetensorsIndexUnreadable, "unreadable", "{not json", true);
        yield return (RuleIds.SafetensorsIndexPathEscapesFolder, "escapes", Index(null, ("a", Shard1), ("b", "../outside.safetensors")), true);
        yield return (RuleIds.SafetensorsIndexMissingShard, "missing", Index(null, ("a", Shard1), ("b", Shard2), ("c", "model-00003-of-00003.safetensors")), true);
        yield return (RuleIds.SafetensorsIndexShardMismatch, "mismatch", Index(null, ("a", Shard1), ("b", Shard1)), true);
        yield return (RuleIds.SafetensorsIndexTotalSizeMismatch, "total", Index(999, ("a", Shard1), ("b", Shard2)), true);
    }

    [Fact]
    public async Task Every_safetensors_rule_fails_its_file_in_a_real_build()
    {
        var project = _fixture.CreateProject("safetensors-failing").SetProperty("ModelGuardErrorLog", "modelguard.sarif");
        foreach (var (_, file, content) in FailingFiles())
        {
            project.AddFile("None", "models/" + file, content);
        }

        foreach (var (_, folder, index, withShards) in FailingIndexes())
        {
            project.AddFile("None", $"sharded/{folder}/model.safetensors.index.json", Encoding.UTF8.GetBytes(index));
            if (withShards)
            {
                project.AddFile("None", $"sharded/{folder}/{Shard1}", new SafetensorsWriter().Metadata("format", "pt").Tensor("a", "F32", 4).ToArray());
                project.AddFile("None", $"sharded/{folder}/{Shard2}", new SafetensorsWriter().Metadata("format", "pt").Tensor("b", "F32", 4).ToArray());
            }
        }

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        var sarif = ReadSarif(project, "modelguard.sarif");
        foreach (var (rule, file, _) in FailingFiles())
        {
            var rules = sarif.Results.Where(r => r.Uri!.EndsWith("/models/" + file, StringComparison.Ordinal)).Select(r => r.RuleId).Distinct().ToList();
            Assert.True(rules.SequenceEqual(new[] { rule }), $"{file} should report exactly {rule} but reported [{string.Join(", ", rules)}]. {build.Describe()}");
            var level = RuleCatalog.Find(rule)!.DefaultSeverity;
            if (level >= RuleSeverity.Warning)
            {
                AssertContains(build, $"models/{file} : {(level == RuleSeverity.Error ? "error" : "warning")} {rule}:");
            }
        }

        foreach (var (rule, folder, _, _) in FailingIndexes())
        {
            var rules = sarif.Results.Where(r => r.Uri!.Contains("/sharded/" + folder + "/", StringComparison.Ordinal)).Select(r => r.RuleId).Distinct().ToList();
            Assert.True(rules.Contains(rule), $"sharded/{folder} should report {rule} but reported [{string.Join(", ", rules)}]. {build.Describe()}");
        }

        var covered = FailingFiles().Select(f => f.Rule).Concat(FailingIndexes().Select(i => i.Rule)).ToHashSet();
        var safetensorsRules = RuleCatalog.All.Where(r => r.Category == RuleCategories.Safetensors).Select(r => r.Id);
        Assert.All(safetensorsRules, id => Assert.True(covered.Contains(id), $"{id} has no failing file in this test"));
    }

    [Fact]
    public async Task Valid_safetensors_files_build_clean()
    {
        var build = await _fixture.CreateProject("safetensors-valid")
            // The reference writer's conventions: __metadata__ first, tensors sorted by dtype alignment then name, space padding.
            .AddFile("None", "models/model.safetensors", new SafetensorsWriter().Metadata("format", "pt").Tensor("embed.weight", "F32", 8, 4).Tensor("ln.bias", "BF16", 4).Tensor("mask", "BOOL", 4).ToArray())
            .AddFile("None", "models/every-dtype.safetensors", EveryDtype())
            .AddFile("None", "models/edge.safetensors", new SafetensorsWriter().Metadata("format", "pt").Tensor("scalar", "F32").Tensor("empty", "F32", 0, 4).ToArray())
            .AddFile("None", "models/empty.safetensors", Header("{}", 0))
            .AddFile("None", "sharded/model.safetensors.index.json", Encoding.UTF8.GetBytes(Index(32, ("a", Shard1), ("b", Shard2))))
            .AddFile("None", "sharded/" + Shard1, new SafetensorsWriter().Metadata("format", "pt").Tensor("a", "F32", 4).ToArray())
            .AddFile("None", "sharded/" + Shard2, new SafetensorsWriter().Metadata("format", "pt").Tensor("b", "F32", 4).ToArray())
            .BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        AssertDoesNotContain(build, " MG2");
        AssertDoesNotContain(build, " MG3");
        AssertContains(build, " in 7 file(s) looked at");
    }

    private static byte[] EveryDtype()
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        foreach (var (name, bits) in SafetensorsWriter.Dtypes)
        {
            writer.Tensor("t_" + name, name, bits % 8 == 0 ? 3 : 8);
        }

        return writer.ToArray();
    }

    private static byte[] Header(string json, long dataLength, bool pad = true) => Header(Encoding.UTF8.GetBytes(json), dataLength, pad);

    /// <summary>A hand-written header; padded with spaces to a multiple of 8 like the reference writer, so data stays aligned.</summary>
    private static byte[] Header(byte[] json, long dataLength, bool pad = true)
    {
        var padded = pad ? json.Concat(Enumerable.Repeat((byte)' ', (8 - (json.Length % 8)) % 8)).ToArray() : json;
        return new SafetensorsWriter().HeaderBytes(padded).DataLength(dataLength).ToArray();
    }

    private static string Index(long? totalSize, params (string Tensor, string Shard)[] map)
    {
        var metadata = totalSize is { } size ? $"\"metadata\":{{\"total_size\":{size}}}," : string.Empty;
        return "{" + metadata + "\"weight_map\":{" + string.Join(",", map.Select(m => $"\"{m.Tensor}\":\"{m.Shard}\"")) + "}}";
    }
}
