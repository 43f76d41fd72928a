using System;
using System.Buffers.Binary;
using ModelGuard.Engine.Formats.Pickle;

namespace ModelGuard.Engine.Scanning;

/// <summary>Decides a format from the first bytes of content. The file name never takes part.</summary>
internal static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants.</summary>
    public const int HeadLength = 512;

    private const int HighestPickleProtocol = 5;

    /// <summary>Sniffs <paramref name="head"/>; <paramref name="length"/> is the content length when known.</summary>
    public static SniffResult Sniff(ReadOnlySpan<byte> head, long? length)
    {
        // 'G' is also a pickle opcode (BINFLOAT): the GGUF magic is decided first.
        if (StartsWith(head, (byte)'G', (byte)'G', (byte)'U', (byte)'F'))
        {
            return new SniffResult(ContentFormat.Gguf);
        }

        if (head.Length >= 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6) || (head[2] == 7 && head[3] == 8)))
        {
            return new SniffResult(ContentFormat.Zip);
        }

        if (StartsWith(head, 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C))
        {
            return new SniffResult(ContentFormat.SevenZip);
        }

        if (StartsWith(head, 0x1F, 0x8B))
        {
            return new SniffResult(ContentFormat.Gzip);
        }

        if (StartsWith(head, (byte)'B', (byte)'Z', (byte)'h'))
        {
            return new SniffResult(ContentFormat.Bzip2);
        }

        if (StartsWith(head, 0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0x00))
        {
            return new SniffResult(ContentFormat.Xz);
        }

        if (StartsWith(head, 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'))
        {
            return new SniffResult(ContentFormat.Numpy);
        }

        // A tar header starts with a file name, which can read as pickle opcodes; its checksum makes it certain.
        if (head.Length >= Formats.Tar.TarHeader.BlockSize && !Formats.Tar.TarHeader.IsZeroBlock(head.Slice(0, Formats.Tar.TarHeader.BlockSize))
            && Formats.Tar.TarHeader.HasValidChecksum(head))
        {
            return new SniffResult(ContentFormat.Tar);
        }

        // Before the pickle checks: 0x89 (the HDF5 signature's first byte) is the pickle opcode NEWFALSE, and a TensorFlow Lite
        // root-table offset can read as a pickle opcode too.
        if (StartsWith(head, 0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A))
        {
            return new SniffResult(ContentFormat.Hdf5);
        }

        if (IsTfLite(head, length))
        {
            return new SniffResult(ContentFormat.TfLite);
        }

        // Before the pickle check: a safetensors header length such as 640 begins with the bytes 0x80 0x02, and a
        // pickle cannot have zero bytes right after PROTO and still load.
        if (IsSafetensorsHeader(head, length))
        {
            return new SniffResult(ContentFormat.Safetensors);
        }

        // ONNX has no magic number; its probe is strict (see OnnxSniffer), and 0x08, the tag it starts with, is no pickle opcode.
        if (Formats.Onnx.OnnxSniffer.LooksLikeModel(head, length))
        {
            return new SniffResult(ContentFormat.Onnx);
        }

        if (head.Length >= 2 && head[0] == (byte)PickleOpcode.Proto && head[1] <= HighestPickleProtocol)
        {
            return new SniffResult(ContentFormat.Pickle);
        }

        // Protocol 0 and 1 pickles have no header; any opcode may open them. Only a trial decode can tell,
        // so the pickle reader confirms (it reaches STOP or performs an import) before anything is reported.
        if (head.Length > 0 && PickleOpcodeNames.IsDefined(head[0]))
        {
            return new SniffResult(ContentFormat.Pickle, needsConfirmation: true);
        }

        return new SniffResult(ContentFormat.Unknown);
    }

    /// <summary>A flatbuffer with the file identifier "TFL3" whose root-table offset points inside the content.</summary>
    private static bool IsTfLite(ReadOnlySpan<byte> head, long? length)
    {
        if (head.Length < 8 || head[4] != (byte)'T' || head[5] != (byte)'F' || head[6] != (byte)'L' || head[7] != (byte)'3')
        {
            return false;
        }

        var root = BinaryPrimitives.ReadUInt32LittleEndian(head);
        return root >= 8 && root % 4 == 0 && (length is not { } l || root < l);
    }

    private static bool IsSafetensorsHeader(ReadOnlySpan<byte> head, long? length)
    {
        if (head.Length < 9)
        {
            return false;
        }

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(head);
        if (headerLength == 0 || (length is { } l && headerLength > (ulong)Math.Max(0, l - 8)))
        {
            return false;
        }

        for (var i = 8; i < head.Length; i++)
        {
            var b = head[i];
            if (b == (byte)'{')
            {
                return true;
            }

            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r'))
            {
                return false;
            }
        }

        return false;
    }

    private static bool StartsWith(ReadOnlySpan<byte> head, params byte[] magic)
        => head.Length >= magic.Length && head.Slice(0, magic.Length).SequenceEqual(magic);
}

/// <summary>The sniffed format; pickles without a protocol header still need the decoder to confirm them.</summary>
internal readonly struct SniffResult
{
    public SniffResult(ContentFormat format, bool needsConfirmation = false)
    {
        Format = format;
        NeedsConfirmation = needsConfirmation;
    }

    public ContentFormat Format { get; }

    public bool NeedsConfirmation { get; }
}
