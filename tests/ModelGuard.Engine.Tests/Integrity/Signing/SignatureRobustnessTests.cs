using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using ModelGuard.Engine.Integrity.Signing;

namespace ModelGuard.Engine.Tests.Integrity.Signing;

/// <summary>
/// Hostile signature files: random damage to the JSON text and to the bytes inside every base64 field (certificates, DER
/// signatures, log bodies, proofs, timestamps) of real bundles. Each must end in a verdict, never in an exception.
/// </summary>
public sealed class SignatureRobustnessTests
{
    private const int RoundsPerBundle = 200;

    public static TheoryData<string> Bundles() => new() { "v1.1.0-elliptic-key", "v1.1.0-certificate", "v1.1.0-sigstore", "v1.0.0-sigstore" };

    private static ModelSignaturePolicy Policy() => new()
    {
        TrustedKeys = new[] { SigningPublicKey.FromPem(File.ReadAllText(Fixture("keys/signing-key-pub.pem"))) },
        TrustedCertificateAuthorities = Pem.DecodeAll(File.ReadAllText(Fixture("keys/ca-cert.pem")), "CERTIFICATE").Select(SigningCertificate.FromDer).ToList(),
        TrustedIdentities = new[] { new SigstoreIdentity("stefanb@us.ibm.com", "https://sigstore.verify.ibm.com/oauth2") },
    };

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "signing", "model-transparency", name);

    [Theory]
    [MemberData(nameof(Bundles))]
    public void DamagedTextEndsInAVerdict(string folder)
    {
        var original = File.ReadAllBytes(Fixture(folder + "/model.sig"));
        var random = new Random(folder.Length);
        var policy = Policy();
        for (var round = 0; round < RoundsPerBundle; round++)
        {
            var damaged = (byte[])original.Clone();
            if (round % 3 == 0)
            {
                damaged = damaged.AsSpan(0, random.Next(damaged.Length)).ToArray();
            }
            else
            {
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            }

            _ = ModelSignatureVerifier.VerifyBundle(damaged, policy);
        }
    }

    [Theory]
    [MemberData(nameof(Bundles))]
    public void DamagedBinaryFieldsEndInAVerdict(string folder)
    {
        var original = JsonNode.Parse(File.ReadAllText(Fixture(folder + "/model.sig")))!;
        var paths = new List<(JsonObject Parent, string Name)>();
        Collect(original, paths);
        var random = new Random(folder.Length * 7);
        var policy = Policy();
        var accepted = 0;
        for (var round = 0; round < RoundsPerBundle; round++)
        {
            var copy = original.DeepClone();
            var targets = new List<(JsonObject Parent, string Name)>();
            Collect(copy, targets);
            var (parent, name) = targets[random.Next(targets.Count)];
            var bytes = Convert.FromBase64String(parent[name]!.GetValue<string>());
            if (bytes.Length == 0)
            {
                continue;
            }

            switch (round % 3)
            {
                case 0: bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes = bytes.AsSpan(0, random.Next(bytes.Length)).ToArray(); break;
                default: bytes[random.Next(bytes.Length)] = (byte)random.Next(256); break;
            }

            parent[name] = Convert.ToBase64String(bytes);
            var (_, failure) = ModelSignatureVerifier.VerifyBundle(Encoding.UTF8.GetBytes(copy.ToJsonString()), policy);
            accepted += failure is null ? 1 : 0;
        }

        // Bytes nobody signs exist (a timestamp token's embedded certificates); far from every damaged bundle may pass.
        Assert.True(accepted < RoundsPerBundle / 10, $"{accepted} of {RoundsPerBundle} damaged bundles were accepted");
    }

    private static void Collect(JsonNode node, List<(JsonObject Parent, string Name)> paths)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (value is JsonValue v && v.TryGetValue<string>(out var text) && name is "rawBytes" or "sig" or "payload" or "signedEntryTimestamp" or "canonicalizedBody" or "rootHash" or "signedTimestamp" or "keyId")
                    {
                        paths.Add((obj, name));
                    }
                    else if (value is not null)
                    {
                        Collect(value, paths);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        Collect(item, paths);
                    }
                }

                break;
        }
    }
}
