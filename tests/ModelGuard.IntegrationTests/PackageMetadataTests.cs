using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using ModelGuard.Engine.Rules;
using ModelGuard.IntegrationTests.Infrastructure;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// What nuget.org shows for both packages: a project and a repository URL from one property, and a README written for nuget.org
/// whose links all work there (absolute https, none relative to the repository).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class PackageMetadataTests
{
    /// <summary>Markdown links and images: <c>[text](target)</c>, <c>![alt](target)</c>.</summary>
    private static readonly Regex MarkdownLink = new(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)", RegexOptions.CultureInvariant);

    private readonly PackageFixture _fixture;

    public PackageMetadataTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public void BuildPackageHasProjectUrlRepositoryAndANuGetReadme() => AssertMetadata(_fixture.PackagePath, "ModelGuard");

    [Fact]
    public async Task ToolPackageHasProjectUrlRepositoryAndANuGetReadme() => AssertMetadata(await _fixture.PackToolAsync(), "ModelGuard.Cli");

    private static void AssertMetadata(string packagePath, string id)
    {
        using var package = ZipFile.OpenRead(packagePath);
        var metadata = Metadata(package);
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;

        Assert.Equal(id, Value("id"));
        var projectUrl = Value("projectUrl");
        Assert.False(string.IsNullOrEmpty(projectUrl), "no projectUrl in the nuspec of " + id);
        Assert.StartsWith("https://", projectUrl, StringComparison.Ordinal);
        var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
        Assert.Equal(projectUrl, (string?)repository.Attribute("url"));
        Assert.Equal("git", (string?)repository.Attribute("type"));

        // The rule pages the diagnostics link to live in the same repository.
        Assert.StartsWith(projectUrl + "/", RuleCatalog.HelpLinkBase, StringComparison.Ordinal);

        Assert.Equal("README.md", Value("readme"));
        using var reader = new StreamReader(package.GetEntry("README.md")!.Open());
        var readme = reader.ReadToEnd();
        Assert.StartsWith("# " + id + "\n", readme.Replace("\r\n", "\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("dotnet ", readme, StringComparison.Ordinal); // how to install

        var links = MarkdownLink.Matches(readme).Select(m => m.Groups["target"].Value).ToList();
        Assert.NotEmpty(links);
        foreach (var link in links)
        {
            Assert.True(Uri.TryCreate(link, UriKind.Absolute, out var uri) && uri.Scheme == "https", $"{id}'s package README links to '{link}', which is not an absolute https link (nuget.org resolves no relative link)");
            Assert.True(
                link.StartsWith(projectUrl + "/", StringComparison.Ordinal) || link.StartsWith(projectUrl + "#", StringComparison.Ordinal) || uri.Host == "www.nuget.org",
                $"{id}'s package README links to '{link}', outside the repository ({projectUrl}) and nuget.org");
        }
    }

    private static XElement Metadata(ZipArchive package)
    {
        var nuspecEntry = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspecEntry.Open();
        return XDocument.Load(stream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
    }
}
