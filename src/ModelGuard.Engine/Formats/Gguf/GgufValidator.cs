using ModelGuard.Engine.Findings;
using System.IO;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Formats.Gguf;

/// <summary>
/// Validates a GGUF file from its header and tensor infos: the reader's structural checks, then per tensor what gguf.cpp
/// checks (shape, type, element count, whole blocks, byte size), the data layout gguf.cpp and llama.cpp's model loader
/// require (offsets in order and aligned, every tensor's bytes inside the file), the well-known keys and the chat templates.
/// The data section is never read: its size comes from the content length.
/// </summary>
internal static class GgufValidator
{
    /// <summary>gguf.cpp's GGUF_DEFAULT_ALIGNMENT.</summary>
    public const uint DefaultAlignment = 32;

    /// <summary>Reads and validates the GGUF content of <paramref name="content"/> from its current position.</summary>
    public static System.Collections.Generic.IReadOnlyList<FormatIssue> Validate(Stream content, long? length)
    {
        var issues = new GgufIssueList();
        var header = GgufHeaderReader.Read(content, length, issues);
        var alignment = CheckAlignment(header, issues);
        foreach (var tensor in header.Tensors)
        {
            CheckTensor(tensor, issues);
        }

        if (header.Complete)
        {
            CheckLayout(header, alignment, length, issues);
        }

        CheckWellKnownKeys(header, issues);
        ChatTemplateChecker.Check(header, issues);
        return issues.ToList();
    }

    private static uint CheckAlignment(GgufHeader header, GgufIssueList issues)
    {
        if (!header.WellKnown.TryGetValue(GgufWellKnownKeys.Alignment, out var entry))
        {
            return DefaultAlignment;
        }

        if (entry.Type != GgufValueType.UInt32)
        {
            issues.Add(RuleCatalog.GgufInvalidAlignment, entry.Offset, $"general.alignment is of type {entry.TypeName}; it must be u32 (llama.cpp refuses the file)");
            return DefaultAlignment;
        }

        var value = (uint)entry.Scalar;
        if (value == 0 || (value & (value - 1)) != 0)
        {
            issues.Add(RuleCatalog.GgufInvalidAlignment, entry.Offset, $"general.alignment is {value}, which is not a power of two (llama.cpp refuses the file)");
            return DefaultAlignment;
        }

        return value;
    }

    /// <summary>gguf.cpp's per-tensor checks, in its order; computes <see cref="GgufTensorInfo.ByteSize"/> when they pass.</summary>
    private static void CheckTensor(GgufTensorInfo tensor, GgufIssueList issues)
    {
        var name = GgufText.Quote(tensor.Name);
        var ne = new long[] { 1, 1, 1, 1 };
        for (var d = 0; d < tensor.Dimensions.Length; d++)
        {
            ne[d] = tensor.Dimensions[d];
            if (ne[d] < 0)
            {
                issues.Add(RuleCatalog.GgufInvalidTensorShape, tensor.Offset, $"tensor {name} has dimension {d} of {(ulong)ne[d]}, which is negative as ggml's int64 element count");
                return;
            }
        }

        // ggml before mid-2026 (LLamaSharp 0.30.0's llama.cpp among them) computes INT64_MAX / ne[1..3] while reading the
        // header, so a zero there crashes the loading process (SIGFPE); newer ggml guards it. Recorded in llamacpp-verdicts.tsv.
        for (var d = 1; d < tensor.Dimensions.Length; d++)
        {
            if (ne[d] == 0)
            {
                issues.Add(RuleCatalog.GgufInvalidTensorShape, tensor.Offset, $"tensor {name} has dimension {d} of 0: llama.cpp as LLamaSharp 0.30.0 ships it divides by that dimension while reading the header and the process dies (SIGFPE)");
                return;
            }
        }

        var shape = $"({ne[0]}, {ne[1]}, {ne[2]}, {ne[3]})";
        var empty = ne[0] == 0 || ne[1] == 0 || ne[2] == 0 || ne[3] == 0;
        if (!empty && (long.MaxValue / ne[1] <= ne[0] || long.MaxValue / ne[2] <= ne[0] * ne[1] || long.MaxValue / ne[3] <= ne[0] * ne[1] * ne[2]))
        {
            issues.Add(RuleCatalog.GgufTensorSizeOverflow, tensor.Offset, $"tensor {name} has shape {shape}, whose element count overflows ggml's int64");
            return;
        }

        if (tensor.Type is not { } type)
        {
            issues.Add(RuleCatalog.GgufUnknownTensorType, tensor.Offset, $"tensor {name} has ggml type {(int)tensor.TypeId}, which ggml does not define (removed, or not a type at all); its size cannot be known");
            return;
        }

        if (ne[0] % type.BlockSize != 0)
        {
            issues.Add(RuleCatalog.GgufPartialQuantizationBlock, tensor.Offset, $"tensor {name} of type {type.Name} has {ne[0]} elements per row, not a multiple of its block size {type.BlockSize}");
            return;
        }

        var elements = empty ? 0UL : (ulong)(ne[0] * ne[1] * ne[2] * ne[3]);
        var blocks = elements / (ulong)type.BlockSize;
        if (blocks > ulong.MaxValue / (ulong)type.TypeSize)
        {
            issues.Add(RuleCatalog.GgufTensorSizeOverflow, tensor.Offset, $"tensor {name} of type {type.Name} with shape {shape} takes more than 2^64 bytes");
            return;
        }

        tensor.ByteSize = blocks * (ulong)type.TypeSize;
    }

    /// <summary>
    /// gguf.cpp: the data section starts at the first aligned offset after the tensor infos (when there are tensors) and each
    /// tensor's offset must be the padded end of the one before; llama.cpp's loader: every tensor's bytes lie inside the file.
    /// </summary>
    private static void CheckLayout(GgufHeader header, uint alignment, long? length, GgufIssueList issues)
    {
        var dataStart = (ulong)header.InfosEnd;
        if (header.Tensors.Count > 0)
        {
            dataStart = Pad(dataStart, alignment);
        }

        if (length is { } total && dataStart > (ulong)total)
        {
            issues.Add(RuleCatalog.GgufTruncated, header.InfosEnd, $"the content ends at offset {total}, inside the padding before the data section, which starts at offset {dataStart} (alignment {alignment})");
            return;
        }

        ulong expected = 0;
        var sizesKnown = true;
        foreach (var tensor in header.Tensors)
        {
            var name = GgufText.Quote(tensor.Name);
            if (tensor.DataOffset % alignment != 0)
            {
                issues.Add(RuleCatalog.GgufMisalignedTensorData, tensor.Offset, $"tensor {name} has data offset {tensor.DataOffset}, which is not a multiple of the alignment {alignment}");
            }
            else if (tensor.DataOffset != expected && sizesKnown)
            {
                var what = tensor.DataOffset < expected ? "overlaps the tensor before it" : "leaves a gap after the tensor before it";
                issues.Add(RuleCatalog.GgufTensorDataOverlap, tensor.Offset, $"tensor {name} has data offset {tensor.DataOffset} but the tensors before it end at {expected} (padded to the alignment {alignment}): it {what}, and llama.cpp requires the tensors in order, one after the other");
            }

            if (tensor.ByteSize is not { } size)
            {
                sizesKnown = false;
                continue;
            }

            var end = dataStart + tensor.DataOffset + size;
            if (length is { } fileLength && (end < dataStart || tensor.DataOffset > ulong.MaxValue - dataStart - size || end > (ulong)fileLength))
            {
                issues.Add(RuleCatalog.GgufTensorDataOutOfFile, tensor.Offset, $"tensor {name} takes {size} bytes at data offset {tensor.DataOffset} (file offset {dataStart + tensor.DataOffset}), past the end of the {fileLength}-byte file");
            }

            var padded = Pad(size, alignment);
            var next = tensor.DataOffset + padded;
            if (padded < size || next < tensor.DataOffset)
            {
                issues.Add(RuleCatalog.GgufTensorSizeOverflow, tensor.Offset, $"tensor {name} ends past 2^64 bytes in the data section");
                sizesKnown = false;
                continue;
            }

            expected = next > expected ? next : expected;
        }

        if (length is { } l && sizesKnown && !issues.Has(RuleCatalog.GgufTensorDataOverlap) && !issues.Has(RuleCatalog.GgufMisalignedTensorData))
        {
            var dataEnd = dataStart + expected;
            if ((ulong)l > Pad(dataEnd, alignment))
            {
                issues.Add(RuleCatalog.GgufDataSectionSizeMismatch, (long)dataEnd, $"the tensors' data ends at offset {dataEnd} but the file is {l} bytes long: {(ulong)l - dataEnd} bytes after the data section belong to no tensor");
            }
        }
    }

    private static void CheckWellKnownKeys(GgufHeader header, GgufIssueList issues)
    {
        foreach (var pair in GgufWellKnownKeys.ExpectedTypes)
        {
            if (pair.Key == GgufWellKnownKeys.Alignment || !header.WellKnown.TryGetValue(pair.Key, out var entry))
            {
                continue;
            }

            if (entry.TypeName != pair.Value)
            {
                issues.Add(RuleCatalog.GgufWellKnownKeyType, entry.Offset, $"{pair.Key} is of type {entry.TypeName}; the specification and llama.cpp expect {pair.Value}");
            }
        }

        foreach (var key in header.WellKnown.Keys)
        {
            if (GgufWellKnownKeys.IsChatTemplate(key) && key != GgufWellKnownKeys.ChatTemplate && header.WellKnown[key].Type != GgufValueType.String)
            {
                issues.Add(RuleCatalog.GgufWellKnownKeyType, header.WellKnown[key].Offset, $"{key} is of type {header.WellKnown[key].TypeName}; chat templates are strings");
            }
        }

        if (header.WellKnown.TryGetValue(GgufWellKnownKeys.Tokens, out var tokens) && tokens.TypeName == "arr[str]")
        {
            foreach (var (key, type) in new[] { (GgufWellKnownKeys.Scores, "arr[f32]"), (GgufWellKnownKeys.TokenTypes, "arr[i32]") })
            {
                if (header.WellKnown.TryGetValue(key, out var other) && other.TypeName == type && other.ArrayLength != tokens.ArrayLength)
                {
                    issues.Add(RuleCatalog.GgufWellKnownKeyType, other.Offset, $"{key} has {other.ArrayLength} elements but {GgufWellKnownKeys.Tokens} has {tokens.ArrayLength}; llama.cpp indexes them together");
                }
            }
        }
    }

    private static ulong Pad(ulong value, uint alignment)
    {
        var mask = (ulong)alignment - 1;
        return (value + mask) & ~mask;
    }
}
