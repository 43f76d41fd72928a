using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using ModelGuard.Engine.Integrity;
using ModelGuard.Engine.Integrity.Signing;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Integrity;
using ModelGuard.Hosting.Scanning;
using ModelGuard.IntegrationTests.Infrastructure;
using ModelGuard.Tasks;
using ModelGuard.TestSupport;
using ModelGuard.TestSupport.Signing;

namespace ModelGuard.IntegrationTests.Integrity;

/// <summary>
/// Signature verification through the MSBuild task in process: which signature a bundled file belongs to, which files must be
/// covered, required signatures, signer configuration and severities. The real-build proof is SigningEndToEndTests.
/// </summary>
public sealed class SignatureTaskTests : IDisposable
{
    internal const string IbmIdentity = "stefanb@us.ibm.com";
    internal const string IbmIssuer = "https://sigstore.verify.ibm.com/oauth2";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "modelguard-sign-" + Guid.NewGuid().ToString("N").Substring(0, 12));
    private readonly RecordingBuildEngine _engine = new();
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public SignatureTaskTests()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "publisher.pub"), _key.ExportSubjectPublicKeyInfoPem());
    }

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>A reference bundle written by model_signing (sigstore/model-transparency scripts/tests), with its public keys.</summary>
    internal static string Reference(string name) => RepositoryRoot.Combine("tests", "ModelGuard.Engine.Tests", "Fixtures", "signing", "model-transparency", name);

    internal static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    [Fact]
    public void AKeySignedFolderWithASubfolderVerifiesAndEveryFileBelongsToTheNearestSignature()
    {
        WriteModel("models/llama/model.safetensors");
        WriteText("models/llama/config.json", "{}");
        WriteModel("models/llama/shards/part-1.safetensors");
        new ModelSigningWriter().SignWithKey(Full("models/llama"), _key);

        var task = NewTask(Item("models/llama/model.safetensors"), Item("models/llama/config.json"), Item("models/llama/shards/part-1.safetensors"), Item("models/llama/model.sig"));
        task.TrustedSigners = new[] { Signer("publisher.pub") };

        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Message)));
        Assert.Empty(_engine.Warnings);
        Assert.Contains(_engine.Messages, m => m.Message == "ModelGuard: verified 1 signed model folder(s) against 1 trusted signer(s) (3 file(s) hashed, 0 from cache)");
    }

    [Fact]
    public void AChangedFileAnUncoveredBundledFileAndAnUntrustedKeyAreReportedWhereTheyAre()
    {
        WriteModel("models/a/model.safetensors");
        WriteModel("models/b/model.safetensors");
        new ModelSigningWriter().SignWithKey(Full("models/a"), _key);
        SignWithAnotherKey(Full("models/b"));

        FlipLastByte(Full("models/a/model.safetensors"));
        WriteText("models/a/extra.py", "import os");
        WriteText("models/a/not-bundled.txt", "a file of the folder the project does not ship");
        WriteText("models/a/" + ModelLockFile.FileName, "{}");
        var task = NewTask(Item("models/a/model.safetensors"), Item("models/a/extra.py"), Item("models/a/" + ModelLockFile.FileName), Item("models/b/model.safetensors"));
        task.TrustedSigners = new[] { Signer("publisher.pub") };

        Assert.False(task.Execute());
        Assert.Equal(
            new[] { ("MG4102", "models/b/model.sig"), ("MG4103", "models/a/model.safetensors"), ("MG4104", "models/a/extra.py") },
            _engine.Errors.Select(e => (e.Code!, e.File!)).OrderBy(e => e.Item1));
        var changed = _engine.Errors.Single(e => e.Code == "MG4103").Message!;
        Assert.Matches("^the content differs from the signature: sha256 [0-9a-f]{64} \\(signed [0-9a-f]{64}\\), [0-9]+ bytes$", changed);
    }

    [Fact]
    public void RequiredSignaturesFailModelsNoSignatureCoversButNotOtherFilesNorFilesASignatureAboveTheProjectCovers()
    {
        // A signature above the project folder never vouches for the project's files.
        var project = Path.Combine(_dir, "app");
        Directory.CreateDirectory(Path.Combine(project, "models", "unsigned"));
        File.WriteAllBytes(Path.Combine(project, "models", "unsigned", "model.safetensors"), SafetensorsModel());
        File.WriteAllText(Path.Combine(project, "models", "unsigned", "tokenizer.json"), "{}");
        new ModelSigningWriter().SignWithKey(_dir, _key);

        var task = new ScanModelFiles
        {
            BuildEngine = _engine,
            ProjectDirectory = project,
            Files = new[] { ProjectItem(project, "models/unsigned/model.safetensors"), ProjectItem(project, "models/unsigned/tokenizer.json") },
            TrustedSigners = new[] { Signer(Path.Combine(_dir, "publisher.pub")) },
            RequireSignature = true,
        };

        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MG4106", "models/unsigned/model.safetensors"), (error.Code, error.File));
        Assert.Equal("the model is not signed: neither its folder nor a folder above it up to '.' has a model.sig, and ModelGuardRequireSignature is true", error.Message);
    }

    [Fact]
    public void WithoutATrustedSignerASignatureIsOneWarningItsDigestsAreNotComparedAndAnUnreadableOneIsStillAnError()
    {
        // A publisher-signed model the project never opted into checking: the same files unsigned would build clean.
        WriteModel("models/a/model.safetensors");
        SignWithAnotherKey(Full("models/a"));
        FlipLastByte(Full("models/a/model.safetensors"));
        WriteText("models/a/extra.bin", "x");
        WriteModel("models/b/model.safetensors");
        WriteText("models/b/model.sig", "{}");
        var signed = new[] { Item("models/a/model.safetensors"), Item("models/a/extra.bin"), Item("models/a/model.sig") };

        var task = NewTask(signed);
        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Code + " " + e.Message)));
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal(("MG4108", "models/a/model.sig"), (warning.Code, warning.File));
        Assert.Equal("the signature 'models/a/model.sig' was not verified: no trusted signer is configured; trust its signer with a ModelGuardTrustedSigner item (verify --signature: --trusted-key, --trusted-ca or --trusted-identity) or add MG4108 to NoWarn", warning.Message);
        Assert.DoesNotContain(_engine.Messages, m => m.Message!.StartsWith("ModelGuard: verified", StringComparison.Ordinal));

        task = NewTask(signed.Append(Item("models/b/model.safetensors")).ToArray());
        task.NoWarn = "MG4108";
        Assert.False(task.Execute());
        Assert.Empty(_engine.Warnings);
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MG4105", "models/b/model.sig"), (error.Code, error.File));
    }

    [Fact]
    public void RequiredSignaturesOrATrustedRootAloneVerifyEverySignatureEvenWithoutATrustedSigner()
    {
        WriteModel("models/signed/model.safetensors");
        SignWithAnotherKey(Full("models/signed"));
        WriteModel("models/unsigned/model.safetensors");
        var items = new[] { Item("models/signed/model.safetensors"), Item("models/unsigned/model.safetensors") };

        // Signatures required and nobody trusted: no signature can be accepted, so each fails closed.
        var task = NewTask(items);
        task.RequireSignature = true;
        Assert.False(task.Execute());
        Assert.Equal(new[] { ("MG4102", "models/signed/model.sig"), ("MG4106", "models/unsigned/model.safetensors") }, _engine.Errors.Select(e => (e.Code!, e.File!)).OrderBy(e => e.Item1));
        Assert.Empty(_engine.Warnings);

        // A Sigstore root is signature configuration too: the project opted in, so an unknown signer is not waved through.
        File.Copy(RepositoryRoot.Combine("src", "ModelGuard.Engine", "Integrity", "Signing", "sigstore-public-good-trusted_root.json"), Full("trusted_root.json"));
        task = NewTask(items);
        task.SigstoreTrustedRoot = "trusted_root.json";
        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MG4102", "models/signed/model.sig"), (error.Code, error.File));
    }

    [Fact]
    public void ItemNoWarnAndEditorConfigSeveritiesApplyToSignatureRules()
    {
        WriteModel("models/a/model.safetensors");
        WriteModel("models/b/model.safetensors");
        new ModelSigningWriter().SignWithKey(Full("models/a"), _key);
        SignWithAnotherKey(Full("models/b"));

        WriteText("models/a/extra.bin", "x");
        WriteText("models/a/extra2.bin", "x");
        WriteText(".editorconfig", "root = true\n\n[models/b/**]\ndotnet_diagnostic.MG4102.severity = warning\n");

        var task = NewTask(Item("models/a/model.safetensors"), Item("models/a/extra.bin", (ScanModelFiles.NoWarnMetadata, "MG4104")), Item("models/a/extra2.bin"), Item("models/b/model.safetensors"));
        task.TrustedSigners = new[] { Signer("publisher.pub") };
        Assert.False(task.Execute());

        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MG4104", "models/a/extra2.bin"), (error.Code, error.File));
        var warning = Assert.Single(_engine.Warnings);
        Assert.Equal(("MG4102", "models/b/model.sig"), (warning.Code, warning.File));
    }

    [Fact]
    public void ReferenceBundlesOfAllThreeModesVerifyWithTheirSignersFromItems()
    {
        CopyFolder(Reference("v1.1.0-elliptic-key"), Full("models/key"));
        CopyFolder(Reference("v1.1.0-certificate"), Full("models/certificate"));
        CopyFolder(Reference("v1.1.0-sigstore"), Full("models/sigstore"));
        File.Copy(Reference("keys/signing-key-pub.pem"), Full("signing-key-pub.pem"));
        File.Copy(Reference("keys/ca-cert.pem"), Full("ca-cert.pem"));
        var items = new[] { "key", "certificate", "sigstore" }.SelectMany(m => new[] { Item($"models/{m}/signme-1"), Item($"models/{m}/signme-2") }).ToArray();

        var task = NewTask(items);
        task.TrustedSigners = new[] { Signer("signing-key-pub.pem"), Signer("ca-cert.pem", "certificate"), Signer(IbmIdentity, "sigstore", IbmIssuer) };
        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Code + " " + e.File + " " + e.Message)));
        Assert.Contains(_engine.Messages, m => m.Message!.StartsWith("ModelGuard: verified 3 signed model folder(s) against 3 trusted signer(s) (", StringComparison.Ordinal));

        task = NewTask(items);
        task.TrustedSigners = new[] { Signer("signing-key-pub.pem"), Signer("ca-cert.pem", "certificate"), Signer("someone.else@us.ibm.com", "sigstore", IbmIssuer) };
        Assert.False(task.Execute());
        var untrusted = Assert.Single(_engine.Errors);
        Assert.Equal(("MG4102", "models/sigstore/model.sig"), (untrusted.Code, untrusted.File));
    }

    [Fact]
    public void SignersAndTrustedRootsThatCannotBeUsedAreNamedAndTrustNothing()
    {
        CopyFolder(Reference("v1.1.0-sigstore"), Full("models/sigstore"));
        WriteText("not-a-key.pem", "hello");
        WriteText("trusted_root.json", "{\"mediaType\": 1}");

        var task = NewTask(Item("models/sigstore/signme-1"), Item("models/sigstore/signme-2"));
        task.TrustedSigners = new[]
        {
            Signer("missing.pub"),
            Signer("not-a-key.pem"),
            Signer("not-a-key.pem", "certificate"),
            Signer("publisher.pub", "gpg"),
            Signer(IbmIdentity, "sigstore"),
            Signer(IbmIdentity, "sigstore", IbmIssuer),
        };
        task.SigstoreTrustedRoot = "trusted_root.json";

        Assert.False(task.Execute());
        var codes = _engine.Errors.Select(e => e.Code).ToList();
        Assert.Equal(new[] { "MG9010", "MG9010", "MG9010", "MG9010", "MG9010", "MG9011", "MG4102" }, codes);
        Assert.All(_engine.Errors.Take(5), e => Assert.StartsWith("the trusted signer '", e.Message, StringComparison.Ordinal));
        Assert.Contains("'missing.pub'", _engine.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("the kind 'gpg' is not one of key, certificate and sigstore", _engine.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("needs its OIDC issuer", _engine.Errors[4].Message, StringComparison.Ordinal);
        Assert.StartsWith("the Sigstore trusted root 'trusted_root.json' cannot be used: ", _engine.Errors[5].Message, StringComparison.Ordinal);
        Assert.Equal("models/sigstore/model.sig", _engine.Errors[6].File);
    }

    [Fact]
    public void ASigstoreTrustedRootReplacesTheEmbeddedOneAndDecidesWhichFulcioCertificatesAreTrusted()
    {
        CopyFolder(Reference("v1.1.0-sigstore"), Full("models/sigstore"));
        var publicGood = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(RepositoryRoot.Combine("src", "ModelGuard.Engine", "Integrity", "Signing", "sigstore-public-good-trusted_root.json")))!;
        WriteText("sigstore/trusted_root.json", publicGood.ToJsonString());
        publicGood["certificateAuthorities"] = new System.Text.Json.Nodes.JsonArray();
        WriteText("sigstore/private_root.json", publicGood.ToJsonString());
        var items = new[] { Item("models/sigstore/signme-1"), Item("models/sigstore/signme-2") };

        var task = NewTask(items);
        task.TrustedSigners = new[] { Signer(IbmIdentity, "sigstore", IbmIssuer) };
        task.SigstoreTrustedRoot = "sigstore/trusted_root.json";
        Assert.True(task.Execute(), string.Join("\n", _engine.Errors.Select(e => e.Code + " " + e.Message)));

        // A private instance's root without the public-good Fulcio CA: the same bundle no longer chains to a trusted CA.
        task = NewTask(items);
        task.TrustedSigners = new[] { Signer(IbmIdentity, "sigstore", IbmIssuer) };
        task.SigstoreTrustedRoot = "sigstore/private_root.json";
        Assert.False(task.Execute());
        var error = Assert.Single(_engine.Errors);
        Assert.Equal(("MG4102", "models/sigstore/model.sig"), (error.Code, error.File));
    }

    [Fact]
    public void EveryFileDigestGoesThroughTheOneHasherOncePerFile()
    {
        WriteModel("models/a/model.safetensors");
        WriteText("models/a/config.json", "{}");
        new ModelSigningWriter().SignWithKey(Full("models/a"), _key);
        var targets = new[] { "models/a/model.safetensors", "models/a/config.json" }.Select(p => new ScanTarget(Full(p), p, new HashSet<string>())).ToList();
        var hashed = new List<string>();
        var problems = new List<ModelGuard.Engine.Findings.Finding>();
        var policy = SignatureRun.CreatePolicy(new[] { new TrustedSigner("publisher.pub") }, null, _dir, problems);

        var result = SignatureRun.Verify(targets, _dir, policy, null, path => { hashed.Add(Path.GetFileName(path)); return FileHasher.HashFile(path); }, new SeverityResolver(), p => Path.GetRelativePath(_dir, p));

        Assert.Empty(problems);
        Assert.Empty(result.Reported);
        Assert.Equal(1, result.SignedFolders);
        Assert.Equal(new[] { "config.json", "model.safetensors" }, hashed.OrderBy(n => n, StringComparer.Ordinal));
    }

    [Fact]
    public void ASignedModelIsHashedOncePerChangeThroughTheBuildsHashCache()
    {
        WriteModel("models/a/model.safetensors");
        WriteText("models/a/config.json", "{}");
        new ModelSigningWriter().SignWithKey(Full("models/a"), _key);
        var cacheFile = Path.Combine(_dir, "obj", "modelguard.cache");
        ScanModelFiles Signed()
        {
            var task = NewTask(Item("models/a/model.safetensors"), Item("models/a/config.json"));
            task.TrustedSigners = new[] { Signer("publisher.pub") };
            task.CacheFile = cacheFile;
            return task;
        }

        CachingDelay.WaitOutRacyWindow();
        Assert.True(Signed().Execute());
        Assert.Contains(_engine.Messages, m => m.Message!.EndsWith("(2 file(s) hashed, 0 from cache)", StringComparison.Ordinal));
        Assert.True(Signed().Execute());
        Assert.Contains(_engine.Messages, m => m.Message!.EndsWith("(0 file(s) hashed, 2 from cache)", StringComparison.Ordinal));

        // A changed byte with the write time put back is hashed again (its change time moved) and fails its signed digest.
        var model = Full("models/a/model.safetensors");
        var written = File.GetLastWriteTimeUtc(model);
        FlipLastByte(model);
        File.SetLastWriteTimeUtc(model, written);
        Assert.False(Signed().Execute());
        Assert.Equal("MG4103", Assert.Single(_engine.Errors).Code);
    }

    /// <summary>Changes one byte of tensor data: the file stays a valid model, only its digest changes.</summary>
    internal static void FlipLastByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }

    internal static byte[] SafetensorsModel() => new SafetensorsWriter().Metadata("format", "pt").Tensor("w", "F32", 4).ToArray();

    private static void SignWithAnotherKey(string folder)
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        new ModelSigningWriter().SignWithKey(folder, other);
    }

    private void WriteModel(string relative) => WriteBytes(relative, SafetensorsModel());

    private void WriteText(string relative, string text) => WriteBytes(relative, System.Text.Encoding.UTF8.GetBytes(text));

    private void WriteBytes(string relative, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Full(relative))!);
        File.WriteAllBytes(Full(relative), content);
    }

    private string Full(string relative) => Path.GetFullPath(Path.Combine(_dir, relative));

    private ScanModelFiles NewTask(params ITaskItem[] items)
    {
        _engine.Errors.Clear();
        _engine.Warnings.Clear();
        _engine.Messages.Clear();
        return new ScanModelFiles { BuildEngine = _engine, Files = items, ProjectDirectory = _dir };
    }

    private ITaskItem Item(string spec, params (string Name, string Value)[] metadata)
    {
        var item = ProjectItem(_dir, spec);
        foreach (var (name, value) in metadata)
        {
            item.SetMetadata(name, value);
        }

        return item;
    }

    private static ITaskItem ProjectItem(string project, string spec) => new ProjectRelativeItem(new TaskItem(spec), Path.GetFullPath(Path.Combine(project, spec)));

    private static ITaskItem Signer(string spec, string? kind = null, string? issuer = null)
    {
        var item = new TaskItem(spec);
        if (kind is not null)
        {
            item.SetMetadata(ScanModelFiles.SignerKindMetadata, kind);
        }

        if (issuer is not null)
        {
            item.SetMetadata(ScanModelFiles.SignerIssuerMetadata, issuer);
        }

        return item;
    }
}
