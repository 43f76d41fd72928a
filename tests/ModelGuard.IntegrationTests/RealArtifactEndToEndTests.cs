using System.IO;
using System.Threading.Tasks;
using ModelGuard.IntegrationTests.Infrastructure;
using static ModelGuard.IntegrationTests.Infrastructure.BuildAssertions;

namespace ModelGuard.IntegrationTests;

/// <summary>
/// A representative subset of the real-artifact corpus (files torch, scikit-learn, scipy, pandas and xgboost wrote; see
/// tests/ModelGuard.Engine.Tests/Fixtures/real/make_real.py) builds clean through the packed package, with the profiles
/// opted into by item and by .editorconfig.
/// </summary>
[Collection(PackageCollection.Name)]
public sealed class RealArtifactEndToEndTests
{
    private readonly PackageFixture _fixture;

    public RealArtifactEndToEndTests(PackageFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task RealArtifactsBuildCleanWithTheirProfiles()
    {
        var project = _fixture.CreateProject("real-artifacts")
            .AddItem("""<ModelGuardAllowProfile Include="xgboost" />""")
            .WriteFile("frames/.editorconfig", "[*.pkl]\nmodelguard_allow_profiles = pandas, lightning\n");
        foreach (var name in new[]
        {
            "torch_checkpoint_metadata.pt", "torch_schedulers.pt", "torch_rng_state.pth", "pickled_tensor.pkl", "torch_sequential_module.pt",
            "sklearn_text_tfidf.joblib", "sklearn_text_tfidf_xz.joblib", "sklearn_knn_p5.pkl", "scipy_csr_matrix.pkl", "xgboost_classifier.joblib",
        })
        {
            project.AddFile("None", "models/" + name, Fixture(name));
        }

        project.AddFile("None", "frames/pandas_dataframe.pkl", Fixture("pandas_dataframe.pkl"));

        var build = await project.BuildAsync();

        Assert.True(build.ExitCode == 0, "The build should succeed. " + build.Describe());
        AssertDoesNotContain(build, " MG1");
        AssertContains(build, " in 11 file(s) looked at (");
        AssertContains(build, "0 error(s), 0 warning(s)");
    }

    [Fact]
    public async Task WithoutItsProfileAThirdPartyPickleIsMG1002AndAnUnknownProfileIsReported()
    {
        var build = await _fixture.CreateProject("real-artifacts-no-profile")
            .AddItem("""<ModelGuardAllowProfile Include="xgboost;pandsa" />""")
            .AddFile("None", "models/pandas_dataframe.pkl", Fixture("pandas_dataframe.pkl"))
            .AddFile("None", "models/xgboost_classifier.joblib", Fixture("xgboost_classifier.joblib"))
            .BuildAsync();

        Assert.True(build.ExitCode != 0, "The build should fail. " + build.Describe());
        AssertContains(build, "pandas_dataframe.pkl : error MG1002:");
        AssertNoLineMentions(build, "xgboost_classifier.joblib");
        AssertContains(build, "MG9004: 'pandsa' in the ModelGuardAllowProfile item is not an allowlist profile");
    }

    private static byte[] Fixture(string name)
        => File.ReadAllBytes(Path.Combine(RepoPaths.Root, "tests", "ModelGuard.Engine.Tests", "Fixtures", "real", name));
}
