using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
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
            "tasks/net8.0/ModelGuard.Hosting.dll",
            "tasks/net472/ModelGuard.Tasks.dll",
            "tasks/net472/ModelGuard.Engine.dll",
            "tasks/net472/ModelGuard.Hosting.dll",
            "tasks/net472/System.Memory.dll",
            "tasks/net8.0/Microsoft.CodeAnalysis.dll",
            "tasks/net472/Microsoft.CodeAnalysis.dll",
            "tasks/net472/System.Collections.Immutable.dll",
            "tasks/net472/System.Reflection.Metadata.dll",
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

    [Fact]
    public void LinuxX64FolderHoldsReadyToRunImagesOfTheSameAssemblies()
    {
        using var package = ZipFile.OpenRead(_fixture.PackagePath);
        var il = package.Entries.Where(e => e.FullName.StartsWith("tasks/net8.0/", StringComparison.Ordinal)).ToDictionary(e => e.Name, ReadAll);
        var r2r = package.Entries.Where(e => e.FullName.StartsWith("tasks/net8.0-linux-x64/", StringComparison.Ordinal)).ToDictionary(e => e.Name, ReadAll);

        // A complete task folder (MSBuild resolves the task's dependencies in its own folder), with the same files.
        Assert.Equal(il.Keys.OrderBy(n => n, StringComparer.Ordinal), r2r.Keys.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var (name, bytes) in r2r)
        {
            using var pe = new PEReader(new MemoryStream(bytes));
            using var ilPe = new PEReader(new MemoryStream(il[name]));
            if (name is "ModelGuard.Tasks.dll" or "ModelGuard.Engine.dll" or "ModelGuard.Hosting.dll")
            {
                // Precompiled for linux-x64 (the machine type of a Linux image is AMD64 xor 0x7B79), from the very same IL.
                Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, name + " is not a ReadyToRun image");
                Assert.Equal((Machine)(0x8664 ^ 0x7B79), pe.PEHeaders.CoffHeader.Machine);
                Assert.Equal(
                    ilPe.GetMetadataReader().GetGuid(ilPe.GetMetadataReader().GetModuleDefinition().Mvid),
                    pe.GetMetadataReader().GetGuid(pe.GetMetadataReader().GetModuleDefinition().Mvid));
            }
            else
            {
                Assert.Equal(il[name], bytes);
            }
        }

        static byte[] ReadAll(ZipArchiveEntry entry)
        {
            using var memory = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(memory);
            }

            return memory.ToArray();
        }
    }

    /// <summary>
    /// Visual Studio 17.8's .NET Framework MSBuild binds task dependencies through the binding redirects of MSBuild.exe.config
    /// (devenv.exe.config for in-process builds). A task compiled against a newer version than a redirect target fails to load
    /// there. These are the versions VS 17.8 provides; Microsoft.Build.* assemblies are redirected to the running MSBuild.
    /// </summary>
    private static readonly Dictionary<string, Version> VisualStudio178 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["System.Collections.Immutable"] = new Version(7, 0, 0, 0),
        ["System.Reflection.Metadata"] = new Version(7, 0, 0, 0),
        ["System.Text.Json"] = new Version(7, 0, 0, 3),
        ["System.Memory"] = new Version(4, 0, 1, 2),
        ["System.Runtime.CompilerServices.Unsafe"] = new Version(6, 0, 0, 0),
        ["System.Threading.Tasks.Extensions"] = new Version(4, 2, 0, 1),
        ["System.Buffers"] = new Version(4, 0, 3, 0),
        ["System.Numerics.Vectors"] = new Version(4, 1, 4, 0),
        ["System.Text.Encoding.CodePages"] = new Version(7, 0, 0, 0),
        ["Microsoft.CodeAnalysis"] = new Version(4, 8, 0, 0),
        ["Microsoft.Build"] = new Version(15, 1, 0, 0),
        ["Microsoft.Build.Framework"] = new Version(15, 1, 0, 0),
        ["Microsoft.Build.Utilities.Core"] = new Version(15, 1, 0, 0),
        ["Microsoft.Build.Tasks.Core"] = new Version(15, 1, 0, 0),
    };

    [Fact]
    public void Net472TaskReferencesNoAssemblyNewerThanVisualStudio178Provides()
    {
        using var package = ZipFile.OpenRead(_fixture.PackagePath);
        var dlls = package.Entries.Where(e => e.FullName.StartsWith("tasks/net472/", StringComparison.Ordinal) && e.FullName.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.NotEmpty(dlls);

        var shipped = new Dictionary<string, Version>(StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();
        var checkedReferences = 0;
        foreach (var entry in dlls)
        {
            using var memory = new MemoryStream();
            using (var stream = entry.Open())
            {
                stream.CopyTo(memory);
            }

            memory.Position = 0;
            using var pe = new PEReader(memory);
            var metadata = pe.GetMetadataReader();
            var definition = metadata.GetAssemblyDefinition();
            var name = metadata.GetString(definition.Name);
            shipped[name] = definition.Version;
            if (VisualStudio178.TryGetValue(name, out var shippedMax) && definition.Version > shippedMax)
            {
                problems.Add($"{entry.FullName} is version {definition.Version}, newer than the {shippedMax} Visual Studio 17.8 redirects to");
            }

            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                var referenceName = metadata.GetString(reference.Name);
                checkedReferences++;
                if (referenceName.StartsWith("Microsoft.Build", StringComparison.OrdinalIgnoreCase) && !VisualStudio178.ContainsKey(referenceName))
                {
                    problems.Add($"{entry.FullName} references {referenceName}, which MSBuild does not redirect");
                }

                if (VisualStudio178.TryGetValue(referenceName, out var max) && reference.Version > max)
                {
                    problems.Add($"{entry.FullName} references {referenceName} {reference.Version}; Visual Studio 17.8 provides {max}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(checkedReferences > 0);

        // The task really uses Roslyn's configuration API and ships it: the check above covered what matters.
        Assert.Equal(new Version(4, 8, 0, 0), shipped["Microsoft.CodeAnalysis"]);
        Assert.Equal(new Version(7, 0, 0, 0), shipped["System.Collections.Immutable"]);
        Assert.False(shipped.ContainsKey("System.Text.Json"), "System.Text.Json is not needed (the SARIF writer is hand-written); shipping it adds a binding to keep in step");
    }
}
