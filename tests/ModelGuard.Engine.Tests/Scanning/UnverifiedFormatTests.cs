using System;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.TestSupport;
using static ModelGuard.Engine.Tests.Scanning.ScanHelpers;

namespace ModelGuard.Engine.Tests.Scanning;

/// <summary>
/// Formats this version only recognises are reported (MG3030), never passed silently; code they or their folders carry is
/// reported on top (MG3031-MG3033). Fixtures: Fixtures/unverified/make_fixtures.py (h5py writes the HDF5 files).
/// </summary>
public sealed class UnverifiedFormatTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "unverified");

    [Theory]
    [InlineData("keras-dense.h5", "a Keras model in HDF5 format")]
    [InlineData("weights-only.h5", "an HDF5 file")]
    public void HdfFiveIsReportedAsUnverifiedWhateverItsName(string file, string what)
    {
        foreach (var name in new[] { file, "model.bin", "photo.png" })
        {
            var result = Scan(File.ReadAllBytes(Path.Combine(Fixtures, file)), name);
            Assert.Equal(new[] { RuleIds.UnverifiedModelFormat }, result.Ids());
            Assert.Contains(what, result.Single(RuleIds.UnverifiedModelFormat).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TfKerasLambdaBytecodeInHdfFiveIsAnError()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, "keras-lambda.h5"));
        var result = Scan(bytes, "classifier.h5");
        Assert.Equal(new[] { RuleIds.UnverifiedModelFormat, RuleIds.KerasCode }, result.Ids().OrderBy(i => i, StringComparer.Ordinal));
        var offset = result.Single(RuleIds.KerasCode).Offset!.Value;
        Assert.Equal("\"function_type\": \"lambda\"", Encoding.ASCII.GetString(bytes, (int)offset, 25));
    }

    [Fact]
    public void LambdaMarkerAcrossTheSearchBufferBoundaryIsFound()
    {
        var marker = Encoding.ASCII.GetBytes("model_config {\"function_type\": \"lambda\"}");
        var bytes = new byte[200_000];
        Hdf5Signature.CopyTo(bytes, 0);
        var at = (64 * 1024) - 10;
        marker.CopyTo(bytes, at);
        var result = Scan(bytes, "m.h5");
        Assert.Equal(at + "model_config {".Length, result.Single(RuleIds.KerasCode).Offset);
    }

    [Fact]
    public void KerasThreeArchiveIsReportedOnceAndItsWeightsFileIsNotReportedAgain()
    {
        var result = Scan(File.ReadAllBytes(Path.Combine(Fixtures, "keras3-dense.keras")), "model.keras");
        var finding = result.Single(RuleIds.UnverifiedModelFormat);
        Assert.Null(finding.ArchiveMember);
        Assert.Contains("Keras v3 model archive", finding.Message, StringComparison.Ordinal);
        Assert.Contains("only Keras' own layers", finding.Message, StringComparison.Ordinal);
        Assert.Single(result.Findings);
    }

    [Fact]
    public void KerasThreeLambdaIsAnErrorInItsConfig()
    {
        var result = Scan(File.ReadAllBytes(Path.Combine(Fixtures, "keras3-lambda.keras")), "model.keras");
        var code = result.Single(RuleIds.KerasCode);
        Assert.Equal("config.json", code.ArchiveMember);
        Assert.Contains("marshalled Python bytecode", code.Message, StringComparison.Ordinal);
        Assert.Contains(RuleIds.UnverifiedModelFormat, result.Ids());
    }

    [Fact]
    public void KerasThreeFunctionImportedByNameIsJudgedByThePicklePolicy()
    {
        var result = Scan(File.ReadAllBytes(Path.Combine(Fixtures, "keras3-imported-function.keras")), "model.keras");
        Assert.Contains("imports os.system", result.Single(RuleIds.KerasCode).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KerasThreeCustomObjectsAreNamedButNotErrors()
    {
        var result = Scan(File.ReadAllBytes(Path.Combine(Fixtures, "keras3-custom-layer.keras")), "model.keras");
        Assert.Equal(new[] { RuleIds.UnverifiedModelFormat }, result.Ids());
        Assert.Contains("mylab.layers.Gate", result.Findings[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AZipWithoutBothKerasFilesIsNotKeras()
    {
        var zip = new ZipBuilder();
        zip.AddStored("config.json", Encoding.UTF8.GetBytes("{\"class_name\": \"__lambda__\"}"));
        Assert.Empty(Scan(zip.ToArray(), "bundle.zip").Findings);
    }

    [Fact]
    public void TensorFlowLiteIsRecognisedByItsFileIdentifier()
    {
        var model = new byte[64];
        model[0] = 0x1C;
        Encoding.ASCII.GetBytes("TFL3").CopyTo(model, 4);
        Assert.Equal(new[] { RuleIds.UnverifiedModelFormat }, Scan(model, "detector.bin").Ids());

        // A root offset past the content is not a flatbuffer: text that happens to hold "TFL3" is not taken for a model.
        var text = Encoding.ASCII.GetBytes("\u00ff\u00ff\u00ff\u007fTFL3 is a name");
        Assert.Empty(Scan(text, "notes.txt").Findings);
    }

    [Theory]
    [InlineData("saved_model.pb", true)]
    [InlineData("export/saved_model.pb", true)]
    [InlineData("model.mlmodel", true)]
    [InlineData("not_saved_model.pb", false)]
    [InlineData("graph.pb", false)]
    public void ProtobufFormatsNeedTheirNameAndTheirFirstFields(string name, bool recognised)
    {
        var message = new byte[] { 0x08, 0x01, 0x12, 0x03, 0x0A, 0x01, 0x41 };
        Assert.Equal(recognised ? new[] { RuleIds.UnverifiedModelFormat } : Array.Empty<string>(), Scan(message, name).Ids());
        Assert.Empty(Scan(new byte[] { 0x0A, 0x01, 0x41 }, name).Findings);
    }

    [Fact]
    public void AutoMapInAConfigurationIsReportedAtItsOffset()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures, "auto-map-config.json"));
        var finding = Scan(bytes, "models/custom/config.json").Single(RuleIds.RemoteCodeReference);
        Assert.Equal("\"auto_map\"", Encoding.UTF8.GetString(bytes, (int)finding.Offset!.Value, 10));
        Assert.Contains("AutoModel to modeling_custom.CustomModel", finding.Message, StringComparison.Ordinal);
        Assert.Contains("AutoTokenizer to tokenization_custom.CustomTokenizer", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain-config.json")]
    public void ConfigurationsWithoutATopLevelAutoMapAreClean(string file)
        => Assert.Empty(Scan(File.ReadAllBytes(Path.Combine(Fixtures, file)), "config.json").Findings);

    [Theory]
    [InlineData("{\"auto_map\": ")]
    [InlineData("{\"auto_map\": {}} trailing")]
    [InlineData("{\"a\": [1, 2}")]
    public void JsonThatIsNotValidIsNotAConfiguration(string text)
        => Assert.DoesNotContain(RuleIds.InternalError, Scan(Encoding.UTF8.GetBytes(text), "config.json").Ids());

    [Fact]
    public void PythonSourceIsReportedOnlyBesideModelFiles()
    {
        var folder = Directory.CreateTempSubdirectory("modelguard-py-").FullName;
        try
        {
            var source = Path.Combine(folder, "modeling_custom.py");
            File.WriteAllText(source, "import torch\nclass CustomModel(torch.nn.Module):\n    pass\n");
            Assert.Empty(new ModelScanner().ScanFile(source).Findings);

            File.WriteAllText(Path.Combine(folder, "config.json"), "{}");
            File.WriteAllBytes(Path.Combine(folder, "model.safetensors"), Array.Empty<byte>());
            var finding = new ModelScanner().ScanFile(source).Single(RuleIds.PythonSourceBesideModel);
            Assert.Contains("config.json, model.safetensors", finding.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static readonly byte[] Hdf5Signature = { 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A };
}
