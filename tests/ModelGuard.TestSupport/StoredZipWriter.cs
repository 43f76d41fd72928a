using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using ModelGuard.Engine.IO;

namespace ModelGuard.TestSupport;

/// <summary>
/// Writes a zip of stored members straight to a seekable stream, the way torch's writer lays out checkpoints (data aligned
/// to 64 bytes with an extra-field pad), for members far larger than memory: a member's bytes may be a written head
/// followed by zeros that are skipped with a seek, so a multi-gigabyte archive is a sparse file that costs no disk for the
/// zeros. CRC-32s are exact (the zero tail is folded in arithmetically, without feeding the zeros through).
/// </summary>
public sealed class StoredZipWriter : IDisposable
{
    private const int Alignment = 64;
    private const ushort PadExtraId = 0x4246; // "FB", the id torch's writer uses for its alignment pad
    private readonly Stream _output;
    private readonly List<(byte[] Name, uint Crc, long Size, long Offset)> _central = new();
    private bool _finished;

    public StoredZipWriter(Stream output)
    {
        if (!output.CanSeek || !output.CanWrite)
        {
            throw new ArgumentException("The output must be writable and seekable.", nameof(output));
        }

        _output = output;
    }

    /// <summary>Adds a member with the given bytes.</summary>
    public void Add(string name, ReadOnlySpan<byte> content) => AddSparse(name, content, content.Length);

    /// <summary>Adds a member of <paramref name="size"/> bytes: <paramref name="head"/>, then zeros left as a hole.</summary>
    public void AddSparse(string name, ReadOnlySpan<byte> head, long size)
    {
        if (head.Length > size)
        {
            throw new ArgumentException("The head is longer than the member.", nameof(head));
        }

        var nameBytes = Encoding.UTF8.GetBytes(name);
        var crc = Crc32.Finish(Crc32Zeros.Extend(Crc32.Update(Crc32.Start, head), size - head.Length));
        var offset = _output.Position;
        if (offset > uint.MaxValue || size >= uint.MaxValue)
        {
            throw new NotSupportedException("This writer does not write zip64 records.");
        }

        // Pad the extra field so the data starts on a 64-byte boundary, as torch does for memory-mapping.
        var dataStart = offset + 30 + nameBytes.Length + 4;
        var pad = (int)((Alignment - (dataStart % Alignment)) % Alignment);
        Span<byte> header = stackalloc byte[30];
        WriteUInt32(header, 0, 0x04034b50);
        WriteUInt16(header, 4, 20);
        WriteUInt16(header, 6, 0x0800);
        WriteUInt16(header, 8, 0);
        WriteUInt16(header, 10, 0);
        WriteUInt16(header, 12, 0x21);
        WriteUInt32(header, 14, crc);
        WriteUInt32(header, 18, (uint)size);
        WriteUInt32(header, 22, (uint)size);
        WriteUInt16(header, 26, (ushort)nameBytes.Length);
        WriteUInt16(header, 28, (ushort)(4 + pad));
        _output.Write(header);
        _output.Write(nameBytes);
        Span<byte> extra = stackalloc byte[4 + Alignment];
        extra.Clear();
        WriteUInt16(extra, 0, PadExtraId);
        WriteUInt16(extra, 2, (ushort)pad);
        _output.Write(extra.Slice(0, 4 + pad));
        _output.Write(head);
        var hole = size - head.Length;
        if (hole > 0)
        {
            _output.Seek(hole, SeekOrigin.Current);
        }

        _central.Add((nameBytes, crc, size, offset));
    }

    /// <summary>Writes the central directory and the end record; the file gets its full length even if it ends in a hole.</summary>
    public void Finish()
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        var directoryOffset = _output.Position;
        Span<byte> record = stackalloc byte[46];
        foreach (var (name, crc, size, offset) in _central)
        {
            record.Clear();
            WriteUInt32(record, 0, 0x02014b50);
            WriteUInt16(record, 4, 0x0314);
            WriteUInt16(record, 6, 20);
            WriteUInt16(record, 8, 0x0800);
            WriteUInt16(record, 14, 0x21);
            WriteUInt32(record, 16, crc);
            WriteUInt32(record, 20, (uint)size);
            WriteUInt32(record, 24, (uint)size);
            WriteUInt16(record, 28, (ushort)name.Length);
            WriteUInt32(record, 42, (uint)offset);
            _output.Write(record);
            _output.Write(name);
        }

        var directorySize = _output.Position - directoryOffset;
        Span<byte> end = stackalloc byte[22];
        end.Clear();
        WriteUInt32(end, 0, 0x06054b50);
        WriteUInt16(end, 8, (ushort)_central.Count);
        WriteUInt16(end, 10, (ushort)_central.Count);
        WriteUInt32(end, 12, (uint)directorySize);
        WriteUInt32(end, 16, (uint)directoryOffset);
        _output.Write(end);
        _output.Flush();
    }

    public void Dispose() => Finish();

    private static void WriteUInt16(Span<byte> span, int at, ushort value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(span.Slice(at), value);

    private static void WriteUInt32(Span<byte> span, int at, uint value) => System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span.Slice(at), value);
}

/// <summary>
/// Advances a running CRC-32 over a run of zero bytes in O(log n): feeding one zero byte is a linear map on the 32-bit
/// register over GF(2), so n zero bytes are that map's n-th power, computed by repeated squaring of its 32x32 bit matrix.
/// </summary>
public static class Crc32Zeros
{
    private static readonly uint[] OneZeroByte = BuildOneZeroByte();

    /// <summary>The running value (as <see cref="Crc32.Update"/> keeps it) after <paramref name="count"/> more zero bytes.</summary>
    public static uint Extend(uint running, long count)
    {
        if (count < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count));
        }

        var power = (uint[])OneZeroByte.Clone();
        while (count > 0)
        {
            if ((count & 1) != 0)
            {
                running = Apply(power, running);
            }

            count >>= 1;
            if (count > 0)
            {
                power = Compose(power, power);
            }
        }

        return running;
    }

    private static uint[] BuildOneZeroByte()
    {
        // Column i is the image of register bit i after one zero byte, taken from the engine's own byte-wise update.
        var matrix = new uint[32];
        Span<byte> zero = stackalloc byte[1];
        for (var i = 0; i < 32; i++)
        {
            matrix[i] = Crc32.Update(1u << i, zero);
        }

        return matrix;
    }

    private static uint Apply(uint[] matrix, uint vector)
    {
        uint result = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                result ^= matrix[i];
            }
        }

        return result;
    }

    private static uint[] Compose(uint[] outer, uint[] inner)
    {
        var result = new uint[32];
        for (var i = 0; i < 32; i++)
        {
            result[i] = Apply(outer, inner[i]);
        }

        return result;
    }
}
