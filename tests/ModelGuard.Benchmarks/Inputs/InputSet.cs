using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace ModelGuard.Benchmarks.Inputs;

/// <summary>
/// The benchmark inputs under one folder (default <c>artifacts/benchmarks/inputs</c>, ignored by git). Each file is generated
/// on first use and reused while its recipe (name, parameters, generator version) is unchanged.
/// </summary>
internal sealed class InputSet
{
    /// <summary>Bump when a generator changes, so old inputs are regenerated.</summary>
    private const int GeneratorVersion = 1;

    public InputSet(string root, bool quick)
    {
        Root = root;
        Quick = quick;
        var scale = quick ? 16 : 1;
        CheckpointTensorBytes = 8L * 1024 * 1024 / scale;
        BytesPayload = 16L * 1024 * 1024 / scale;
        DenseBytes = 256L * 1024 * 1024 / scale;
        SafetensorsLayers = 400 / scale;
        GgufLayers = Math.Max(1, 32 / scale);
    }

    public string Root { get; }

    public bool Quick { get; }

    public int CheckpointTensors => 256;

    public long CheckpointTensorBytes { get; }

    public long BytesPayload { get; }

    public int BytesPayloads => 64;

    public long DenseBytes { get; }

    public int SafetensorsLayers { get; }

    /// <summary>Layers of the GGUF model (f).</summary>
    public int GgufLayers { get; }

    public int ProjectFiles => Quick ? 200 : 1000;

    /// <summary>(a) The large checkpoint: 256 tensors of 8 MiB (2 GiB).</summary>
    public string Checkpoint => Ensure($"checkpoint-{CheckpointTensors}x{CheckpointTensorBytes}.pt", p => Generators.TorchCheckpoint(p, CheckpointTensors, CheckpointTensorBytes));

    /// <summary>(a') The same structure at 1/100 of the data: 256 tensors of 80 KiB (about 20 MiB).</summary>
    public string SmallCheckpoint => Ensure($"checkpoint-{CheckpointTensors}x{CheckpointTensorBytes / 100}.pt", p => Generators.TorchCheckpoint(p, CheckpointTensors, CheckpointTensorBytes / 100));

    /// <summary>(b) 64 bytes objects of 16 MiB in a protocol 4 pickle (1 GiB).</summary>
    public string BytesPickle => Ensure($"bytes-{BytesPayloads}x{BytesPayload}.pkl", p => Generators.BytesPickle(p, BytesPayloads, BytesPayload));

    /// <summary>(c) The dense pickle as pickle.dumps writes it (everything memoized).</summary>
    public string DensePickle => Ensure($"dense-{DenseBytes}.pkl", p => Generators.DensePickle(p, DenseBytes, memoizeAll: true));

    /// <summary>(c') The same records with only the shared objects memoized (pickletools.optimize's layout).</summary>
    public string DensePickleOptimized => Ensure($"dense-optimized-{DenseBytes}.pkl", p => Generators.DensePickle(p, DenseBytes, memoizeAll: false));

    /// <summary>(c'') A quarter of (c)'s size, every record an OrderedDict: an import and a call per record, so no data-only walk.</summary>
    public string DensePickleWithImports => Ensure($"dense-ordereddicts-{DenseBytes / 4}.pkl", p => Generators.DensePickle(p, DenseBytes / 4, memoizeAll: true, orderedDicts: true));

    /// <summary>(f) An ONNX model just under protobuf's 2 GiB limit: 64 UINT8 initializers inline in raw_data, the data holes.</summary>
    public string OnnxInline => Ensure("inline-64x32mib.onnx", p => ModelGuard.TestSupport.OnnxWriter.WriteModelWithInlinePayload(p, ((2L * 1024 * 1024 * 1024) - (1024 * 1024)) / 64, 64));

    /// <summary>(d) A safetensors transformer of about 10 GB, header of about 3,600 tensors, the data a hole.</summary>
    public string Safetensors => Ensure($"transformer-{SafetensorsLayers}layers.safetensors", p => Generators.Safetensors(p, SafetensorsLayers, 1024, 2816, 32000));

    /// <summary>(f) A GGUF llama-style model of about 3.9 GB (32 Q4_K layers, 4096 hidden), header of about 1 MB, the data a hole.</summary>
    public string Gguf => Ensure($"llama-{GgufLayers}layers.gguf", p => Generators.Gguf(p, GgufLayers, 4096, 11008, 32000));

    /// <summary>(e) The folder of the incremental project: 1,000 model files.</summary>
    public IReadOnlyList<string> ProjectModels
    {
        get
        {
            var folder = Path.Combine(Root, $"project-{ProjectFiles}", "models");
            var marker = Path.Combine(Root, $"project-{ProjectFiles}", ".complete-v" + GeneratorVersion.ToString(CultureInfo.InvariantCulture));
            if (!File.Exists(marker))
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }

                Log($"generating {ProjectFiles} model files in {folder}");
                Generators.ModelFolder(folder, ProjectFiles, new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
                File.WriteAllText(marker, "ok\n");
            }

            return Directory.GetFiles(folder).OrderBy(f => f, StringComparer.Ordinal).ToArray();
        }
    }

    public string ProjectFolder => Path.Combine(Root, $"project-{ProjectFiles}");

    private string Ensure(string name, Action<string> generate)
    {
        var path = Path.Combine(Root, name);
        var marker = path + ".complete-v" + GeneratorVersion.ToString(CultureInfo.InvariantCulture);
        if (File.Exists(path) && File.Exists(marker))
        {
            return path;
        }

        Directory.CreateDirectory(Root);
        var watch = Stopwatch.StartNew();
        Log($"generating {name}");
        generate(path);
        File.WriteAllText(marker, new FileInfo(path).Length.ToString(CultureInfo.InvariantCulture) + "\n");
        Log($"generated {name}: {new FileInfo(path).Length:N0} bytes in {watch.Elapsed.TotalSeconds:F1} s");
        return path;
    }

    private static void Log(string message) => Console.Error.WriteLine("[inputs] " + message);
}
