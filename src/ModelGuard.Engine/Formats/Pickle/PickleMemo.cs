using System.Collections.Generic;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// The unpickler's memo: index to value. Picklers number entries 0, 1, 2, ... so those live in fixed-size chunks of a
/// directory (one reference per entry, no hashing, no rehash of millions of entries, nothing on the large object heap);
/// indices far from the current size (hand-written or hostile pickles) go to a dictionary, so sparse indices never
/// allocate chunks. <see cref="Count"/> is the number of distinct indices, what MEMOIZE numbers with.
/// </summary>
internal sealed class PickleMemo
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;
    private const int ChunkMask = ChunkSize - 1;

    // The first chunk starts small and doubles up to ChunkSize: most pickles memoize tens of values, and a full chunk for
    // each of them was most of what scanning a small pickle allocated (32 KiB).
    private const int FirstChunkInitialSize = 64;

    private Entry[]?[] _chunks = new Entry[]?[4];
    private Dictionary<long, PickleValue>? _sparse;

    /// <summary>Distinct indices set so far.</summary>
    public int Count { get; private set; }

    public bool TryGetValue(long index, out PickleValue value)
    {
        if (index >= 0 && (index >> ChunkBits) < _chunks.Length)
        {
            var chunk = _chunks[index >> ChunkBits];
            if (chunk is not null && (index & ChunkMask) < chunk.Length && chunk[index & ChunkMask].Value is { } found)
            {
                value = found;
                return true;
            }
        }

        if (_sparse is not null && _sparse.TryGetValue(index, out var sparse))
        {
            value = sparse;
            return true;
        }

        value = null!;
        return false;
    }

    /// <summary>Sets the entry; false (and nothing set) when it is a new index and <see cref="Count"/> already reached <paramref name="maxEntries"/>.</summary>
    public bool TrySet(long index, PickleValue value, int maxEntries)
    {
        // An index already in the dictionary stays there, so every index lives in exactly one place.
        if (_sparse is not null && _sparse.ContainsKey(index))
        {
            _sparse[index] = value;
            return true;
        }

        var chunk = ChunkFor(index);
        if (chunk is not null)
        {
            ref var slot = ref chunk[index & ChunkMask].Value;
            if (slot is null)
            {
                if (Count >= maxEntries)
                {
                    return false;
                }

                Count++;
            }

            slot = value;
            return true;
        }

        if (Count >= maxEntries)
        {
            return false;
        }

        (_sparse ??= new Dictionary<long, PickleValue>()).Add(index, value);
        Count++;
        return true;
    }

    /// <summary>The chunk holding <paramref name="index"/>, allocated if the index is near the current size; null for a sparse index.</summary>
    private Entry[]? ChunkFor(long index)
    {
        if (index < 0)
        {
            return null;
        }

        var number = index >> ChunkBits;
        var slot = (int)(index & ChunkMask);
        if (number < _chunks.Length && _chunks[number] is { } existing)
        {
            if (slot < existing.Length)
            {
                return existing;
            }

            // Only the first chunk is ever shorter than ChunkSize.
            var grown = new Entry[SizeOfFirstChunk(slot)];
            System.Array.Copy(existing, grown, existing.Length);
            return _chunks[0] = grown;
        }

        // Dense storage only up to about twice the entries present, so memory stays proportional to the entries set.
        if (index >= (2L * Count) + ChunkSize)
        {
            return null;
        }

        if (number >= _chunks.Length)
        {
            var larger = new Entry[]?[System.Math.Max(_chunks.Length * 2, (int)number + 1)];
            System.Array.Copy(_chunks, larger, _chunks.Length);
            _chunks = larger;
        }

        return _chunks[number] = new Entry[number == 0 ? SizeOfFirstChunk(slot) : ChunkSize];
    }

    private static int SizeOfFirstChunk(int slot)
    {
        var size = FirstChunkInitialSize;
        while (size <= slot)
        {
            size *= 2;
        }

        return System.Math.Min(size, ChunkSize);
    }

    /// <summary>One memo slot (a struct, so stores skip the covariance check of a PickleValue[]).</summary>
    private struct Entry
    {
        public PickleValue? Value;
    }
}
