using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;

namespace ModelGuard.Engine.Tests.Corpora;

/// <summary>
/// Files the real libraries wrote the way training code saves them (Fixtures/real/make_real.py: optimizer, scheduler,
/// GradScaler and RNG states, checkpoint metadata, pickled tensors and modules, scikit-learn through joblib and pickle,
/// scipy.sparse, pandas, xgboost). Each scans clean, with the profile profiles.json names for third-party libraries,
/// and the fast data-pickle walk changes nothing.
/// </summary>
public sealed class RealArtifactCorpusTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "real");

    private static readonly Dictionary<string, string[]> Profiles = ReadProfiles();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Folder).Select(Path.GetFileName).OrderBy(f => f, StringComparer.Ordinal))
        {
            if (file is not null && !file.EndsWith(".py", StringComparison.Ordinal) && file != "profiles.json")
            {
                data.Add(file);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Real_artifact_scans_clean_with_its_profile(string name)
    {
        var options = new ScanOptions { AllowProfiles = Profiles.TryGetValue(name, out var profiles) ? profiles : Array.Empty<string>() };
        var result = new ModelScanner(options).ScanFile(Path.Combine(Folder, name), name);
        Assert.True(result.Findings.Count == 0, string.Join("\n", result.Findings));
        Assert.NotEqual(ContentFormat.Unknown, result.Format);

        var simulated = new ModelScanner(new ScanOptions { AllowProfiles = options.AllowProfiles, WalkDataPickles = false }).ScanFile(Path.Combine(Folder, name), name);
        Assert.Empty(simulated.Findings);
    }

    [Fact]
    public void Third_party_artifacts_need_their_profile()
    {
        Assert.NotEmpty(Profiles);
        foreach (var name in Profiles.Keys)
        {
            var result = new ModelScanner().ScanFile(Path.Combine(Folder, name), name);
            Assert.Contains(result.Findings, f => f.Rule.Id == RuleIds.UnknownImport);
            Assert.DoesNotContain(result.Findings, f => f.Rule.Id == RuleIds.DangerousImport);
        }
    }

    [Fact]
    public void The_corpus_covers_what_the_issue_lists()
    {
        var files = Directory.GetFiles(Folder).Select(Path.GetFileName).ToArray();
        foreach (var expected in new[]
        {
            "torch_optimizer_adamw.pt", "torch_schedulers.pt", "torch_gradscaler.pt", "torch_rng_state.pth", "numpy_random_state.pkl",
            "torch_checkpoint_metadata.pt", "pickled_tensor.pkl", "pickled_tensors_p2.pkl", "torch_sequential_module.pt",
            "sklearn_text_tfidf.joblib", "sklearn_onehot.joblib", "sklearn_column_transformer.joblib", "sklearn_knn.joblib",
            "sklearn_gradient_boosting.joblib", "sklearn_calibrated.joblib", "sklearn_text_tfidf_xz.joblib", "sklearn_knn_p5.pkl",
            "scipy_csr_matrix.pkl", "scipy_dok_array.pkl", "pandas_dataframe.pkl", "pandas_series.pkl", "pandas_categorical.pkl",
            "xgboost_classifier.joblib",
        })
        {
            Assert.Contains(expected, files);
        }
    }

    private static Dictionary<string, string[]> ReadProfiles()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "profiles.json")));
        return document.RootElement.EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString()!).ToArray(), StringComparer.Ordinal);
    }
}
