using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// Per-file metadata in the usual layout: the project declares <c>Content Include="models/**"</c> and the SDK lists the same files
/// as default <c>None</c> items. The items that set ModelGuard metadata decide, whichever item type carries it; items that
/// set it differently keep the finding (fail closed) and the build says so.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ItemMetadataEndToEndTests
{
    private static readonly byte[] CustomPickle = new PickleWriter().Proto(2).Global("mypkg.layers", "Custom").EmptyTuple().NewObj().Stop().ToArray();
    private static readonly byte[] EvilPickle = new PickleWriter().Proto(2).CallWithString("os", "system", "echo pwned").Stop().ToArray();

    private readonly PackageFixture _fixture;

    public ItemMetadataEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task MetadataOnEitherItemOfTheUsualLayoutDecides()
    {
        var project = _fixture.CreateProject("usual-layout")
            .AddFile("Content", "models/readme-snippet.pt", EvilPickle, "CopyToOutputDirectory=\"PreserveNewest\" ")
            .AddFile("Content", "models/rule-page-snippet.pt", CustomPickle, "CopyToOutputDirectory=\"PreserveNewest\" ")
            .AddFile("Content", "models/excluded.pt", EvilPickle, "CopyToOutputDirectory=\"PreserveNewest\" ")
            .AddFile("Content", "models/disagreeing.pt", CustomPickle, "CopyToOutputDirectory=\"PreserveNewest\" ")
            .AddFile("Content", "models/unconfigured.pt", CustomPickle, "CopyToOutputDirectory=\"PreserveNewest\" ")
            .AddItem("""<Content Update="models/readme-snippet.pt" ModelGuardNoWarn="MG1001" />""")
            .AddItem("""<None Update="models/rule-page-snippet.pt" ModelGuardNoWarn="MG1002" />""")
            .AddItem("""<None Update="models/excluded.pt" ModelGuard="false" />""")
            .AddItem("""<Content Update="models/disagreeing.pt" ModelGuardNoWarn="MG1002" />""")
            .AddItem("""<None Update="models/disagreeing.pt" ModelGuardNoWarn="MG1003" />""");
        project.DefaultNoneItems = true;

        var build = await project.BuildAsync();

        AssertNoLineMentions(build, "readme-snippet.pt : error");
        AssertNoLineMentions(build, "rule-page-snippet.pt : error");
        AssertNoLineMentions(build, "excluded.pt : error");
        AssertContains(build, "models/disagreeing.pt : error MG1002:");
        AssertContains(build, "ModelGuard: 'models/disagreeing.pt' is listed by several items whose ModelGuard metadata disagree (Content: ModelGuardNoWarn=MG1002; None: ModelGuardNoWarn=MG1003)");
        AssertContains(build, "models/unconfigured.pt : error MG1002:");
    }
}
