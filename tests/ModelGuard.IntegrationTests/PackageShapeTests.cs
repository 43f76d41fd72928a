using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using ModelGuard.IntegrationTests.Infrastructure;

namespace ModelGuard.IntegrationTests;

/// <summary>The .nupkg is a build-only tool package: MSBuild files and task assemblies, nothing to compile against.</summary>
[Collection(PackageCollection.Name)]
public sealed class PackageShapeTests
{
    private readonly PackageFixture _fixture;

    public PackageShapeTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public void PackageIsABuildOnlyDevelopmentDependency()
    {
        using var package = ZipFile.OpenRead(_fixture.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        var listing = string.Join("\n", entries);

        Assert.False(entries.Any(e => e.StartsWith("lib/", StringComparison.OrdinalIgnoreCase)), "The package must not have lib/ assets:\n" + listing);
        Assert.False(entries.Any(e => e.StartsWith("ref/", StringComparison.OrdinalIgnoreCase)), "The package must not have ref/ assets:\n" + listing);
        foreach (var expected in new[]
        {
            "build/ModelGuard.props",
            "build/ModelGuard.targets",
            "tasks/net8.0/ModelGuard.Tasks.dll",
            "tasks/net8.0/ModelGuard.Engine.dll",
            "tasks/net472/ModelGuard.Tasks.dll",
            "tasks/net472/ModelGuard.Engine.dll",
            "tasks/net472/System.Memory.dll",
        })
        {
            Assert.True(entries.Contains(expected), $"Missing {expected} in:\n{listing}");
        }

        // MSBuild is provided by the host; shipping it would load a second copy.
        Assert.False(entries.Any(e => Path.GetFileName(e).StartsWith("Microsoft.Build", StringComparison.OrdinalIgnoreCase)), "MSBuild assemblies must not be packed:\n" + listing);

        var nuspecEntry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        var nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal("ModelGuard", Value("id"));
        Assert.Equal("true", Value("developmentDependency"));
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
    }
}
