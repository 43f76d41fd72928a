using System;
using System.Collections.Generic;
using ModelGuard.Engine.Findings;
using ModelGuard.Engine.Limits;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>Collects the findings of one file while its content (and its containers' members) are scanned.</summary>
internal sealed class ScanContext
{
    private readonly List<Finding> _findings = new();

    public ScanContext(string filePath, ScanOptions options)
    {
        FilePath = filePath;
        Options = options;
        Decompression = new DecompressionBudget(options.MaxTotalDecompressedBytes);
    }

    public string FilePath { get; }

    /// <summary>
    /// The full path of the file on disk when <see cref="ModelScanner.ScanFile"/> scans one, null when the content comes
    /// from a stream. Checks that look at neighbouring files (the shards of a safetensors index) need it.
    /// </summary>
    public string? PhysicalPath { get; init; }

    public ScanOptions Options { get; }

    /// <summary>What all decompressed streams of the file may produce together (<see cref="ScanOptions.MaxTotalDecompressedBytes"/>).</summary>
    public DecompressionBudget Decompression { get; }

    public IReadOnlyList<Finding> Findings => _findings;

    /// <summary>Other files whose content or existence the verdict depends on (an ONNX model's external data), as full paths.</summary>
    public IReadOnlyList<string> ReferencedFiles => _referencedFiles;

    private readonly List<string> _referencedFiles = new();

    public void AddReferencedFile(string fullPath)
    {
        if (!_referencedFiles.Contains(fullPath))
        {
            _referencedFiles.Add(fullPath);
        }
    }

    /// <summary>True while members of a TorchScript archive are scanned: their pickles name the archive's own <c>__torch__</c> classes.</summary>
    public bool InTorchScript => _torchScriptDepth > 0;

    /// <summary>True while members of a Keras v3 archive are scanned: the archive is reported once, not its weights file again.</summary>
    public bool InKerasArchive => _kerasDepth > 0;

    private int _torchScriptDepth;
    private int _kerasDepth;

    /// <summary>How many nested loads (<c>torch.storage._load_from_bytes</c> bytes) enclose the content being scanned.</summary>
    public int NestedLoadDepth { get; private set; }

    /// <summary>Marks the content scanned until disposal as the bytes of a nested load, one level deeper.</summary>
    public IDisposable EnterNestedLoad() => new Scope(() => NestedLoadDepth++, () => NestedLoadDepth--);

    /// <summary>Marks the members scanned until disposal as TorchScript content (when <paramref name="enter"/> is set).</summary>
    public IDisposable EnterTorchScript(bool enter) => enter ? new Scope(() => _torchScriptDepth++, () => _torchScriptDepth--) : Scope.None;

    /// <summary>Marks the members scanned until disposal as members of a Keras v3 archive (when <paramref name="enter"/> is set).</summary>
    public IDisposable EnterKerasArchive(bool enter) => enter ? new Scope(() => _kerasDepth++, () => _kerasDepth--) : Scope.None;

    public void Report(RuleDescriptor rule, string? member, long? offset, string message)
        => _findings.Add(new Finding(rule, FilePath, member, offset, message));

    /// <summary>Joins a nested member name onto its parent's, as <c>outer.zip!/inner/data.pkl</c>.</summary>
    public static string JoinMember(string? parent, string child) => parent is null ? child : parent + "!/" + child;

    private sealed class Scope : IDisposable
    {
        public static readonly IDisposable None = new Scope(null, null);

        private Action? _leave;

        public Scope(Action? enter, Action? leave)
        {
            enter?.Invoke();
            _leave = leave;
        }

        public void Dispose()
        {
            _leave?.Invoke();
            _leave = null;
        }
    }
}
