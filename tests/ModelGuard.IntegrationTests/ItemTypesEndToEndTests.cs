using System.IO;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.TestSupport;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// Which items are scanned: every type in <c>$(ModelGuardItemTypes)</c>. No MAUI or Android workload here: a plain project
/// declares the items a MAUI, Android or iOS project would (the SDKs' own targets only add more of them).
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class ItemTypesEndToEndTests
{
    private readonly PackageFixture _fixture;

    public ItemTypesEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task EveryDefaultAssetTypeModelGuardFileAndAnAddedTypeAreScannedAndNothingElse()
    {
        var evil = TorchCheckpointWriter.Malicious("echo pwned");
        var project = _fixture.CreateProject("item-types");

        // A model outside the project folder, as a target that downloads models at build time would list it.
        var outside = Path.Combine(Path.GetDirectoryName(project.Directory)!, "downloaded-" + Path.GetFileName(project.Directory), "fetched.pt");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.WriteAllBytes(outside, evil);

        var build = await project
            .AddFile("MauiAsset", "Resources/Raw/maui.pt", evil)
            .AddFile("AndroidAsset", "Assets/android.pt", evil)
            .AddFile("AndroidResource", "Resources/raw/androidres.pt", evil)
            .AddFile("BundleResource", "Resources/bundle.pt", evil)
            .AddItem($"""<ModelGuardFile Include="{outside}" />""")
            .AddFile("OnnxModel", "models/added-type.pt", evil)
            .AddFile("NotScannedType", "models/other-type.pt", evil)
            .SetProperty("ModelGuardItemTypes", "$(ModelGuardItemTypes);OnnxModel")
            .BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "Resources/Raw/maui.pt : error MG1001:");
        AssertContains(build, "Assets/android.pt : error MG1001:");
        AssertContains(build, "Resources/raw/androidres.pt : error MG1001:");
        AssertContains(build, "Resources/bundle.pt : error MG1001:");
        AssertContains(build, "fetched.pt : error MG1001:");
        AssertContains(build, "models/added-type.pt : error MG1001:");
        AssertDoesNotContain(build, "other-type.pt");
        AssertContains(build, " in 6 file(s) looked at (");
    }
}
