using System;
using System.Buffers;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;

namespace ModelGuard.Engine.Integrity;

/// <summary>
/// SHA-256 of a whole file, the price of pinning it: one sequential pass with two pooled buffers, the next read running
/// while the previous block is hashed, so a file from storage costs what reading it costs and memory stays at 2 MiB
/// whatever the file's size. The platform's SHA-256 (OpenSSL on Linux, CNG on Windows) uses the CPU's SHA instructions.
/// </summary>
public static class FileHasher
{
    /// <summary>Bytes per read; large enough that per-call overhead vanishes, small enough to stay in the L2/L3 cache.</summary>
    public const int BlockSize = 1024 * 1024;

    /// <summary>Hashes the file at <paramref name="path"/>, opened read-only and shared with writers and deleters.</summary>
    public static FileDigest HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        return Hash(stream);
    }

    /// <summary>
    /// Hashes <paramref name="length"/> bytes of the file from <paramref name="offset"/>: one shard of a model_signing "shards"
    /// signature. Fewer bytes than asked (the file shrank) give a digest of what is there and the count actually read.
    /// </summary>
    public static FileDigest HashRange(string path, long offset, long length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        stream.Seek(offset, SeekOrigin.Begin);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            long total = 0;
            int count;
            while (total < length && (count = stream.Read(buffer, 0, (int)Math.Min(BlockSize, length - total))) > 0)
            {
                hash.AppendData(buffer, 0, count);
                total += count;
            }

            return new FileDigest(Hex.Encode(hash.GetHashAndReset()), total);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes <paramref name="stream"/> from its position to its end.</summary>
    public static FileDigest Hash(Stream stream)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var current = ArrayPool<byte>.Shared.Rent(BlockSize);
        var next = ArrayPool<byte>.Shared.Rent(BlockSize);
        Task<int>? pending = null;
        try
        {
            long total = 0;
            var count = stream.Read(current, 0, BlockSize);
            while (count > 0)
            {
                var buffer = next;
                pending = Task.Run(() => stream.Read(buffer, 0, BlockSize));
                hash.AppendData(current, 0, count);
                total += count;
                count = pending.GetAwaiter().GetResult();
                pending = null;
                (current, next) = (next, current);
            }

            return new FileDigest(Hex.Encode(hash.GetHashAndReset()), total);
        }
        finally
        {
            // A read still running owns a buffer: it must finish before the buffer goes back to the pool.
            if (pending is not null)
            {
                ((IAsyncResult)pending).AsyncWaitHandle.WaitOne();
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }
}

/// <summary>A file's SHA-256 (lowercase hex) and the number of bytes hashed.</summary>
public readonly struct FileDigest
{
    public FileDigest(string sha256, long size)
    {
        Sha256 = sha256;
        Size = size;
    }

    /// <summary>64 lowercase hex digits.</summary>
    public string Sha256 { get; }

    /// <summary>Bytes hashed.</summary>
    public long Size { get; }
}
