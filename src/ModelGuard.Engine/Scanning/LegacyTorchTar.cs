using System;
using System.Buffers.Binary;
using System.IO;
using ModelGuard.Engine.Formats.Pickle;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// The tar layout of the oldest torch.save (still loaded by torch.load): members <c>sys_info</c> and <c>pickle</c> are
/// pickles; <c>storages</c> and <c>tensors</c> interleave a pickle per record with raw bytes, which a plain stacked-pickle
/// reader would stop at. They are walked record by record exactly as torch's legacy loader reads them, so every
/// pickle in them is scanned.
/// </summary>
internal static class LegacyTorchTar
{
    public static bool IsPickleMember(string name) => name is "pickle" or "sys_info";

    /// <summary>Scans the <c>storages</c> and <c>tensors</c> members; false for any other member.</summary>
    public static bool TryScan(ScanContext context, Stream content, string name, string member)
    {
        if (name is not ("storages" or "tensors"))
        {
            return false;
        }

        using var session = new PickleStreamSession(content, 0, walkDataStreams: false); // the record count is read from the first stream's result
        try
        {
            var count = session.RunNext(out var failure);
            if (count is null)
            {
                session.Fail(0, $"the legacy torch '{name}' member is empty");
            }
            else
            {
                session.Accept(count, failure);
                if (failure is null)
                {
                    if (count.Result is IntValue { Value: >= 0 } records)
                    {
                        WalkRecords(session, name, records.Value);
                    }
                    else
                    {
                        session.Fail(0, $"the legacy torch '{name}' member does not start with a record count");
                    }
                }
            }
        }
        catch (Limits.ScanLimitExceededException)
        {
            // The scan of the file stops here; what the records imported until then is still reported.
            if (session.InFlight is { } partial)
            {
                session.Accept(partial, failure: null);
            }

            session.Report(context, member);
            throw;
        }

        session.Report(context, member);
        return true;
    }

    private static void WalkRecords(PickleStreamSession session, string name, long records)
    {
        var raw = new byte[8];
        for (long i = 0; i < records && session.Failure is null; i++)
        {
            var start = session.Disassembler.Position;
            var record = session.RunNext(out var failure);
            if (record is null)
            {
                session.Fail(start, $"the data ends before record {i} of {records} in the legacy torch '{name}' member");
                return;
            }

            session.Accept(record, failure);
            if (failure is not null)
            {
                return;
            }

            var skip = name == "storages" ? StorageBytes(session, record, raw, start) : TensorHeaderBytes(session, raw, start);
            if (skip is { } bytes && session.Disassembler.SkipRaw(bytes) < bytes)
            {
                session.Fail(start, $"the data ends inside the raw bytes of record {i} in the legacy torch '{name}' member");
            }
        }
    }

    /// <summary>A storage record is (key, location, storage_type) then an 8-byte element count and the elements.</summary>
    private static long? StorageBytes(PickleStreamSession session, PickleSimulator record, byte[] raw, long start)
    {
        if (record.Result is not TupleValue { Items.Count: 3 } tuple || tuple.Items[2] is not GlobalValue { Import: { IsResolved: true } type }
            || ElementSize(type.Name!) is not { } elementSize)
        {
            session.Fail(start, "a legacy torch storage record is not (key, location, storage type), so its raw data cannot be located");
            return null;
        }

        if (!session.Disassembler.TryReadRaw(raw))
        {
            session.Fail(start, "the data ends inside a legacy torch storage size");
            return null;
        }

        var elements = BinaryPrimitives.ReadInt64LittleEndian(raw);
        if (elements < 0 || elements > long.MaxValue / elementSize)
        {
            session.Fail(start, $"a legacy torch storage declares {elements} elements");
            return null;
        }

        return elements * elementSize;
    }

    /// <summary>A tensor record is a pickle, then ndim (4 bytes), 4 padding bytes, ndim sizes, ndim strides and an offset (8 bytes each).</summary>
    private static long? TensorHeaderBytes(PickleStreamSession session, byte[] raw, long start)
    {
        if (!session.Disassembler.TryReadRaw(raw))
        {
            session.Fail(start, "the data ends inside a legacy torch tensor header");
            return null;
        }

        var dimensions = BinaryPrimitives.ReadInt32LittleEndian(raw);
        if (dimensions is < 0 or > 64)
        {
            session.Fail(start, $"a legacy torch tensor declares {dimensions} dimensions");
            return null;
        }

        return (16L * dimensions) + 8;
    }

    private static int? ElementSize(string storageType) => storageType switch
    {
        "DoubleStorage" or "LongStorage" or "ComplexFloatStorage" => 8,
        "FloatStorage" or "IntStorage" or "QInt32Storage" => 4,
        "HalfStorage" or "BFloat16Storage" or "ShortStorage" => 2,
        "CharStorage" or "ByteStorage" or "BoolStorage" or "QUInt8Storage" or "QInt8Storage" or "QUInt4x2Storage" or "QUInt2x4Storage" => 1,
        "ComplexDoubleStorage" => 16,
        _ => null,
    };
}
