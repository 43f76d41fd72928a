using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>A throwaway net10.0 class library that references the packed ModelGuard package.</summary>
public sealed class TestProject
{
    private readonly PackageFixture _fixture;
    private readonly List<string> _items = new();
    private readonly List<string> _properties = new();

    internal TestProject(PackageFixture fixture, string directory, string name = "Consumer")
    {
        _fixture = fixture;
        Directory = directory;
        Name = name;
    }

    public string Directory { get; }

    /// <summary>The project's name (the file name of its .csproj); projects built together in one solution need distinct names.</summary>
    public string Name { get; }

    public string ProjectPath => Path.Combine(Directory, Name + ".csproj");

    /// <summary>Keep the SDK's default None items (the usual layout, where every model is also a None item); off by default.</summary>
    public bool DefaultNoneItems { get; set; }

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> and adds it as a <paramref name="itemType"/> item.</summary>
    public TestProject AddFile(string itemType, string relativePath, byte[] content, string extraAttributes = "")
    {
        var fullPath = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllBytes(fullPath, content);
        _items.Add($"""    <{itemType} Include="{relativePath}" {extraAttributes}/>""");
        return this;
    }

    public TestProject SetProperty(string name, string value)
    {
        _properties.Add($"    <{name}>{value}</{name}>");
        return this;
    }

    /// <summary>Writes a file that is not an item (an .editorconfig, a global config).</summary>
    public TestProject WriteFile(string relativePath, string text)
    {
        var fullPath = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, text);
        return this;
    }

    /// <summary>Adds an item element as written, e.g. <c>&lt;ModelGuardAllowedGlobal Include="a.B" /&gt;</c>.</summary>
    public TestProject AddItem(string xml)
    {
        _items.Add("    " + xml);
        return this;
    }

    /// <summary>Runs <c>dotnet clean</c> on the project written by the last build.</summary>
    public Task<ProcessResult> CleanAsync()
        => ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "clean", ProjectPath, "-nodeReuse:false", "--disable-build-servers", "-v:n", "-tl:off", "--nologo" },
            Directory,
            _fixture.BuildEnvironment);

    /// <summary>
    /// Writes the project and runs <c>dotnet build</c> on it (normal verbosity, so the task's summary line shows; a later
    /// <c>-v:</c> in <paramref name="extraArguments"/> wins).
    /// </summary>
    public async Task<ProcessResult> BuildAsync(params string[] extraArguments)
    {
        Write();
        return await ProcessRunner.RunAsync(
            ProcessRunner.DotnetPath,
            new[] { "build", ProjectPath, "-nodeReuse:false", "--disable-build-servers", "-p:UseSharedCompilation=false", "-v:n", "-tl:off", "--nologo" }.Concat(extraArguments).ToArray(),
            Directory,
            _fixture.BuildEnvironment).ConfigureAwait(false);
    }

    /// <summary>Writes the project file (and a class so it compiles) without building it: for builds of several projects at once.</summary>
    public void Write()
    {
        System.IO.Directory.CreateDirectory(Directory);
        var project = new StringBuilder();
        project.AppendLine("""<Project Sdk="Microsoft.NET.Sdk">""");
        project.AppendLine("  <PropertyGroup>");
        project.AppendLine("    <TargetFramework>net10.0</TargetFramework>");
        // Model files are listed explicitly below; the default None glob would add them a second time (unless a test wants that).
        if (!DefaultNoneItems)
        {
            project.AppendLine("    <EnableDefaultNoneItems>false</EnableDefaultNoneItems>");
        }
        foreach (var property in _properties)
        {
            project.AppendLine(property);
        }

        project.AppendLine("  </PropertyGroup>");
        project.AppendLine("  <ItemGroup>");
        project.AppendLine($"""    <PackageReference Include="ModelGuard" Version="{PackageFixture.Version}" PrivateAssets="all" />""");
        foreach (var item in _items)
        {
            project.AppendLine(item);
        }

        project.AppendLine("  </ItemGroup>");
        project.AppendLine("</Project>");
        File.WriteAllText(ProjectPath, project.ToString());
        File.WriteAllText(Path.Combine(Directory, "Class1.cs"), "namespace Consumer;\n\npublic static class Class1\n{\n}\n");
    }
}
