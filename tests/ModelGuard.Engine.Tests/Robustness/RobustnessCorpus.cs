using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// Every file the robustness tests start from: the engine's fixtures (Fixtures/**), the peer corpus
/// (shared/peer-corpora/picklescan) and checkpoints written by the TestSupport writers.
/// </summary>
internal static class RobustnessCorpus
{
    public static string FixturesRoot => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>Names as "fixtures/&lt;relative path&gt;", "picklescan/&lt;name&gt;" or "generated/&lt;name&gt;".</summary>
    public static IReadOnlyList<string> Names => LazyNames.Value;

    private static readonly Lazy<string[]> LazyNames = new(() => Files().Select(f => f.Name).ToArray());

    private static readonly Lazy<Dictionary<string, (string Name, Func<byte[]> Read)>> LazyByName = new(() => Files().ToDictionary(f => f.Name, StringComparer.Ordinal));

    /// <summary>The names as theory data, one case per corpus file.</summary>
    public static TheoryData<string> Theory()
    {
        var data = new TheoryData<string>();
        foreach (var name in Names)
        {
            data.Add(name);
        }

        return data;
    }

    public static byte[] Read(string name) => LazyByName.Value[name].Read();

    /// <summary>The path of a corpus file on disk, null for generated ones.</summary>
    public static string? PathOf(string name)
    {
        if (name.StartsWith("fixtures/", StringComparison.Ordinal))
        {
            return Path.Combine(FixturesRoot, name.Substring("fixtures/".Length));
        }

        return name.StartsWith("picklescan/", StringComparison.Ordinal)
            ? Path.Combine(PeerCorpora.Directory("picklescan"), name.Substring("picklescan/".Length))
            : null;
    }

    private static IEnumerable<(string Name, Func<byte[]> Read)> Files()
    {
        foreach (var file in Directory.EnumerateFiles(FixturesRoot, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (!IsDocumentation(file))
            {
                var path = file;
                yield return ("fixtures/" + Path.GetRelativePath(FixturesRoot, file).Replace(Path.DirectorySeparatorChar, '/'), () => File.ReadAllBytes(path));
            }
        }

        foreach (var file in Directory.EnumerateFiles(PeerCorpora.Directory("picklescan")).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (!IsDocumentation(file))
            {
                var path = file;
                yield return ("picklescan/" + Path.GetFileName(file), () => File.ReadAllBytes(path));
            }
        }

        yield return ("generated/benign.pt", () => TorchCheckpointWriter.Benign("weight", "bias"));
        yield return ("generated/malicious.pt", () => TorchCheckpointWriter.Malicious());
        yield return ("generated/deflated.pt", () =>
        {
            var zip = new ZipBuilder();
            zip.AddDeflated("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
            zip.AddDeflated("archive/data/0", new byte[64]);
            return zip.ToArray();
        });
        yield return ("generated/zip64.pt", () =>
        {
            var zip = new ZipBuilder { Zip64 = true };
            zip.AddStored("archive/data.pkl", TorchCheckpointWriter.StateDictPickle(new[] { "w" }));
            zip.AddStored("archive/data/0", new byte[16]);
            return zip.ToArray();
        });
        yield return ("generated/nested.zip", () =>
        {
            var zip = new ZipBuilder();
            zip.AddDeflated("inner/model.pt", TorchCheckpointWriter.Malicious());
            return zip.ToArray();
        });
        yield return ("generated/model.safetensors", () => new SafetensorsWriter().Tensor("w", "F32", 2, 2).Tensor("b", "BF16", 3).Metadata("format", "pt").ToArray());
    }

    private static bool IsDocumentation(string file)
        => Path.GetExtension(file) is ".py" or ".md" or ".opcodes" or ".tsv" or ".mjs" or ".sh" or ".gitignore" || Path.GetFileName(file) == "package.json";
}
