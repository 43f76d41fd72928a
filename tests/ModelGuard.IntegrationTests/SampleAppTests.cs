using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// samples/PackageReferenceApp as a user copies it: the folder alone, in a temporary place, restoring the packed package by the
/// version its project names. Its configuration (allowlist entry, .editorconfig) makes the build clean; without it the same models
/// fail the build.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class SampleAppTests
{
    private const string SampleName = "PackageReferenceApp";

    private readonly PackageFixture _fixture;

    public SampleAppTests(PackageFixture fixture) => _fixture = fixture;

    private static string SampleFolder => Path.Combine(RepoPaths.Root, "samples", SampleName);

    [Fact]
    public void SampleReferencesTheRepositoryVersionFromTheReadmeFeed()
    {
        var repositoryVersion = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").Single().Value;
        var reference = XDocument.Load(Path.Combine(SampleFolder, SampleName + ".csproj")).Descendants("PackageReference").Single(e => (string?)e.Attribute("Include") == "ModelGuard");
        Assert.Equal(repositoryVersion, (string?)reference.Attribute("Version"));

        // The folder the README's Install section and the sample's README pack into.
        var source = XDocument.Load(Path.Combine(SampleFolder, "nuget.config")).Descendants("add").Single(e => (string?)e.Attribute("key") == "modelguard-local");
        Assert.Equal(Path.Combine(RepoPaths.Root, "artifacts", "package"), Path.GetFullPath(Path.Combine(SampleFolder, (string)source.Attribute("value")!)));
        Assert.Contains("-o artifacts/package", File.ReadAllText(Path.Combine(SampleFolder, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CopiedSampleBuildsCleanWithItsConfiguration()
    {
        var copy = CopySample("as-shipped", removeConfiguration: false);

        var lockFile = Path.Combine(copy, "models.lock.json");
        var pinned = File.ReadAllText(lockFile);

        // As the sample's CI builds: locked mode, the committed lock matches every model and is not written.
        var build = await Build(copy, "-p:ContinuousIntegrationBuild=true");

        Assert.True(build.ExitCode == 0, build.Describe());
        Assert.DoesNotMatch(new Regex("(warning|error) MG[0-9]{4}"), build.Output);
        Assert.Equal(pinned, File.ReadAllText(lockFile));
        var sarif = ReadSarif(Path.Combine(copy, "obj", "modelguard.sarif"));
        var tflite = Assert.Single(sarif.Results);
        Assert.Equal("MG3030", tflite.RuleId);
        Assert.Equal("note", tflite.Level); // the .editorconfig's suggestion: recorded, not hidden
        Assert.EndsWith("models/detector.tflite", tflite.Uri, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(copy, "bin", "Debug", "net10.0", "models", "classifier.safetensors")), "the models are copied next to the app");

        // A swapped weight (same size) fails the CI build against the committed lock, which stays as it was.
        var classifier = Path.Combine(copy, "models", "classifier.safetensors");
        var bytes = File.ReadAllBytes(classifier);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(classifier, bytes);
        var swapped = await Build(copy, "-p:ContinuousIntegrationBuild=true");
        Assert.True(swapped.ExitCode != 0, swapped.Describe());
        AssertContains(swapped, "models/classifier.safetensors : error MG4001: ");
        Assert.Equal(pinned, File.ReadAllText(lockFile));
    }

    [Fact]
    public async Task WithoutItsAllowlistEntryAndEditorConfigTheSampleFails()
    {
        var copy = CopySample("unconfigured", removeConfiguration: true);

        var build = await Build(copy);

        Assert.True(build.ExitCode != 0, build.Describe());
        AssertContains(build, "models/vocabulary.pkl : error MG1002: at offset 39: imports contoso.text.Vocabulary");
        AssertContains(build, "models/detector.tflite : warning MG3030: ");
        AssertNoLineMentions(build, "classifier.safetensors");
    }

    /// <summary>The sample folder without build output, cut off from the repository, restoring from the fixture's feed.</summary>
    private string CopySample(string name, bool removeConfiguration)
    {
        var copy = Path.Combine(_fixture.Root, "samples", name, SampleName);
        foreach (var file in Directory.EnumerateFiles(SampleFolder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(SampleFolder, file);
            var top = relative.Split(Path.DirectorySeparatorChar)[0];
            if (top is "bin" or "obj")
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }

        // The fixture's feed replaces the README's, and its version the released one (the sample's own nuget.config is checked above).
        ConsumerFolder.Isolate(copy, "modelguard-e2e", _fixture.Feed);
        var project = Path.Combine(copy, SampleName + ".csproj");
        var xml = File.ReadAllText(project);
        var versioned = Regex.Replace(xml, "(<PackageReference Include=\"ModelGuard\" Version=\")[^\"]+\"", "${1}" + PackageFixture.Version + "\"");
        Assert.NotEqual(xml, versioned);
        if (removeConfiguration)
        {
            var unallowed = Regex.Replace(versioned, "\\s*<ModelGuardAllowedGlobal [^>]*/>", string.Empty);
            Assert.NotEqual(versioned, unallowed);
            versioned = unallowed;
            File.Delete(Path.Combine(copy, ".editorconfig"));
        }

        File.WriteAllText(project, versioned);
        return copy;
    }

    private Task<ProcessResult> Build(string folder, params string[] properties)
        => ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "build", Path.Combine(folder, SampleName + ".csproj"), "-nodeReuse:false", "--disable-build-servers", "-p:UseSharedCompilation=false", "-v:n", "-tl:off", "--nologo" }.Concat(properties).ToArray(),
            folder,
            _fixture.BuildEnvironment);
}
