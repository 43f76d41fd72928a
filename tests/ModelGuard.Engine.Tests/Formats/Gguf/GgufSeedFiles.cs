using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Gguf;

/// <summary>
/// Valid GGUF files the writer produces, committed under Fixtures/gguf/written so the reference tables (recorded with
/// Node.js, replayed here) and the fuzzing campaign start from them. A test checks the committed bytes are the writer's output;
/// MODELGUARD_UPDATE_FIXTURES=1 rewrites them.
/// </summary>
internal static class GgufSeedFiles
{
    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "gguf", "written");

    public static IReadOnlyDictionary<string, Func<byte[]>> All { get; } = new Dictionary<string, Func<byte[]>>(StringComparer.Ordinal)
    {
        ["typical-v3.gguf"] = () => GgufWriter.Typical().ToArray(),
        ["typical-v2.gguf"] = () => With(w => w.Version = 2),
        ["no-template.gguf"] = () => GgufWriter.Typical(chatTemplate: null).ToArray(),
        ["alignment-64.gguf"] = () => With(w => { w.Alignment = 64; w.WriteAlignmentKey = true; }),
        ["quantized.gguf"] = () => With(w =>
        {
            w.AddTensor("q4_0", 2, 64, 2);
            w.AddTensor("q8_0", 8, 32);
            w.AddTensor("q4_k", 12, 256);
            w.AddTensor("q6_k", 14, 256, 2);
            w.AddTensor("bf16", 30, 3, 3, 3, 3);
        }),
        ["value-types.gguf"] = () => With(w => w.Add("x.u8", (byte)1).Add("x.i8", (sbyte)-1).Add("x.u16", (ushort)2).Add("x.i16", (short)-2)
            .Add("x.i32", -3).Add("x.f32", 1.5f).Add("x.bool", true).Add("x.u64", 5UL).Add("x.i64", -5L).Add("x.f64", 2.5)
            .Add("x.u64s", new GgufArray(10, new object[] { 1UL, 2UL }))),
        ["many-tensors.gguf"] = () => With(w =>
        {
            for (var i = 0; i < 12; i++)
            {
                w.AddTensor($"blk.{i}.ffn.weight", (uint)(i % 2 == 0 ? 0 : 1), 16, i + 1);
            }
        }),
    };

    /// <summary>The crafted file of every rule case (<see cref="GgufRuleTests"/>), named after its rule and case, for Fixtures/gguf/malformed.</summary>
    public static IReadOnlyDictionary<string, Func<byte[]>> Malformed { get; } = GgufRuleTests.Cases.ToDictionary(
        pair => pair.Value.Rule + "-" + System.Text.RegularExpressions.Regex.Replace(pair.Key, "[^A-Za-z0-9]+", "-").Trim('-') + ".gguf",
        pair => pair.Value.Build,
        StringComparer.Ordinal);

    private static byte[] With(Action<GgufWriter> change)
    {
        var writer = GgufWriter.Typical();
        change(writer);
        return writer.ToArray();
    }
}
