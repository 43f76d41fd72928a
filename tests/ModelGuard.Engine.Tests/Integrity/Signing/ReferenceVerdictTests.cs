using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Integrity.Signing;

namespace ModelGuard.Engine.Tests.Integrity.Signing;

/// <summary>
/// Replays sigstore-js's verdicts (Fixtures/signing/differential/verdicts.tsv, recorded by record.mjs) on the reference bundles
/// and their tampering matrix: ModelGuard must accept and reject the same bundles, apart from the listed, deliberate differences.
/// </summary>
public sealed class ReferenceVerdictTests
{
    /// <summary>Where ModelGuard is stricter than sigstore-js on purpose, and why.</summary>
    private static readonly Dictionary<string, string> StricterThanSigstoreJs = new(StringComparer.Ordinal)
    {
        // sigstore-js's bundleFromJSON does not look at the media type; a version ModelGuard does not know is MG4105.
        ["key-media-type-unknown"] = "unknown bundle version",
        ["sigstore-media-type-unknown"] = "unknown bundle version",

        // sigstore-js takes root and size from the signed checkpoint and ignores the proof's own fields; sigstore-python and
        // sigstore-go, like ModelGuard, refuse a proof whose root hash or tree size contradicts its checkpoint.
        ["sigstore-proof-root-hash"] = "proof contradicts its checkpoint",
        ["sigstore-proof-tree-size"] = "proof contradicts its checkpoint",
        ["sigstore100-proof-root-hash"] = "proof contradicts its checkpoint",
        ["sigstore100-proof-tree-size"] = "proof contradicts its checkpoint",
    };

    private static string Differential(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "signing", "differential", name);

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var row in Rows())
        {
            data.Add(row[0]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void VerdictAgreesWithSigstoreJs(string name)
    {
        var row = Rows().Single(r => r[0] == name);
        var policy = row[2] == "key"
            ? new ModelSignaturePolicy { TrustedKeys = new[] { SigningPublicKey.FromPem(File.ReadAllText(Differential("p256-key.pub.pem"))) } }
            : new ModelSignaturePolicy { TrustedIdentities = new[] { new SigstoreIdentity(row[3], row[4]) } };
        var content = File.ReadAllBytes(Differential(Path.Combine("cases", name + ".sig")));

        var (_, failure) = ModelSignatureVerifier.VerifyBundle(content, policy);

        var expected = StricterThanSigstoreJs.ContainsKey(name) ? "reject" : row[5];
        Assert.True(expected == (failure is null ? "accept" : "reject"), $"{name}: sigstore-js says {row[5]} ({(row.Length > 6 ? row[6] : string.Empty)}), ModelGuard says {(failure is null ? "accept" : failure.Value.Rule.Id + " " + failure.Value.Message)}");
        if (StricterThanSigstoreJs.ContainsKey(name))
        {
            Assert.Equal("accept", row[5]);
        }
    }

    [Fact]
    public void AcceptedBundlesAlsoMatchTheirModelFolder()
    {
        foreach (var row in Rows().Where(r => r[5] == "accept" && !StricterThanSigstoreJs.ContainsKey(r[0])))
        {
            var folder = row[1] == "p256-key-model" ? CopyFolder(Differential("p256-key-model")) : ReferenceBundleTests.CopyFixture(row[1]);
            File.Copy(Differential(Path.Combine("cases", row[0] + ".sig")), Path.Combine(folder, "model.sig"), overwrite: true);
            var policy = row[2] == "key"
                ? new ModelSignaturePolicy { TrustedKeys = new[] { SigningPublicKey.FromPem(File.ReadAllText(Differential("p256-key.pub.pem"))) } }
                : new ModelSignaturePolicy { TrustedIdentities = new[] { new SigstoreIdentity(row[3], row[4]) } };
            Assert.Empty(ModelSignatureVerifier.Verify(new ModelSignatureRequest(folder, row[1]), policy).Select(f => f.ToString()));
        }
    }

    private static List<string[]> Rows() => File.ReadAllLines(Differential("verdicts.tsv"))
        .Where(l => l.Length > 0 && !l.StartsWith('#'))
        .Select(l => l.Split('\t'))
        .ToList();

    private static string CopyFolder(string source)
    {
        var copy = Directory.CreateTempSubdirectory("mg-signed").FullName;
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }
}
