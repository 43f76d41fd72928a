using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.IO;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Pickle;

/// <summary>
/// The compact representations behind the simulator (issue #6): the chunked memo, shared small ints, tuples with inline
/// items and dicts that keep only the entries read back. Each must answer exactly as the plain collections did.
/// </summary>
public sealed class PickleValueStorageTests
{
    [Fact]
    public void Memo_counts_distinct_indices_whether_dense_or_sparse()
    {
        var memo = new PickleMemo();
        var values = new Dictionary<long, PickleValue>();
        var indices = Enumerable.Range(0, 10_000).Select(i => (long)i).Concat(new[] { 1L << 40, 4_000_000_000L, -1L, 10_000L + 4096 * 3 }).ToArray();
        foreach (var index in indices)
        {
            var value = IntValue.Of(index);
            Assert.True(memo.TrySet(index, value, int.MaxValue));
            values[index] = value;
        }

        // Overwriting an index (dense or sparse) does not count it twice.
        Assert.True(memo.TrySet(5, OpaqueValue.None, int.MaxValue));
        Assert.True(memo.TrySet(1L << 40, OpaqueValue.Bytes, int.MaxValue));
        values[5] = OpaqueValue.None;
        values[1L << 40] = OpaqueValue.Bytes;

        Assert.Equal(values.Count, memo.Count);
        foreach (var (index, value) in values)
        {
            Assert.True(memo.TryGetValue(index, out var found));
            Assert.Same(value, found);
        }

        Assert.False(memo.TryGetValue(10_001, out _));
        Assert.False(memo.TryGetValue(long.MaxValue, out _));
        Assert.False(memo.TryGetValue(-2, out _));
    }

    [Fact]
    public void Memo_first_chunk_grows_in_any_order_without_losing_entries()
    {
        // The first chunk starts at 64 entries and doubles: indices past its current end read as unset, and growing it keeps
        // every entry set before.
        var memo = new PickleMemo();
        Assert.True(memo.TrySet(10, OpaqueValue.List, int.MaxValue));
        Assert.False(memo.TryGetValue(63, out _));
        Assert.False(memo.TryGetValue(64, out _));
        Assert.False(memo.TryGetValue(4095, out _));

        var values = new[] { 64L, 63, 0, 200, 129, 4095, 4096, 1000, 128, 127 }.ToDictionary(i => i, i => (PickleValue)IntValue.Of(i));
        foreach (var (index, value) in values)
        {
            Assert.True(memo.TrySet(index, value, int.MaxValue));
        }

        Assert.Equal(values.Count + 1, memo.Count);
        Assert.True(memo.TryGetValue(10, out var ten));
        Assert.Same(OpaqueValue.List, ten);
        foreach (var (index, value) in values)
        {
            Assert.True(memo.TryGetValue(index, out var found));
            Assert.Same(value, found);
        }

        Assert.False(memo.TryGetValue(65, out _));
        Assert.False(memo.TryGetValue(4094, out _));
    }

    [Fact]
    public void Memo_index_stored_sparse_stays_there_when_its_chunk_appears_later()
    {
        var memo = new PickleMemo();
        Assert.True(memo.TrySet(9000, OpaqueValue.List, int.MaxValue)); // far from the size: sparse
        for (var i = 0; i < 8000; i++)
        {
            Assert.True(memo.TrySet(i, OpaqueValue.None, int.MaxValue)); // grows until 9000's chunk is allocated
        }

        Assert.True(memo.TrySet(9001, OpaqueValue.Set, int.MaxValue));
        Assert.True(memo.TrySet(9000, OpaqueValue.Bool, int.MaxValue));
        Assert.Equal(8002, memo.Count);
        Assert.True(memo.TryGetValue(9000, out var value));
        Assert.Same(OpaqueValue.Bool, value);
        Assert.True(memo.TryGetValue(9001, out value));
        Assert.Same(OpaqueValue.Set, value);
    }

    [Fact]
    public void Memo_limit_refuses_only_new_indices()
    {
        var memo = new PickleMemo();
        Assert.True(memo.TrySet(0, OpaqueValue.None, 2));
        Assert.True(memo.TrySet(1L << 33, OpaqueValue.None, 2));
        Assert.False(memo.TrySet(1, OpaqueValue.None, 2));
        Assert.False(memo.TrySet(1L << 34, OpaqueValue.None, 2));
        Assert.True(memo.TrySet(0, OpaqueValue.Bool, 2));
        Assert.True(memo.TrySet(1L << 33, OpaqueValue.Bool, 2));
        Assert.Equal(2, memo.Count);
    }

    [Theory]
    [InlineData(-257)]
    [InlineData(-256)]
    [InlineData(0)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(long.MaxValue)]
    public void Small_ints_are_shared_and_every_int_keeps_its_value(long value)
    {
        Assert.Equal(value, IntValue.Of(value).Value);
        Assert.Equal(value is >= -256 and < 4096, ReferenceEquals(IntValue.Of(value), IntValue.Of(value)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(9)]
    public void Tuple_items_read_back_in_order_however_they_are_stored(int count)
    {
        var items = Enumerable.Range(0, count).Select(i => (PickleValue)IntValue.Of(i)).ToArray();
        var tuples = new List<TupleValue> { new(items.ToArray()) };
        if (count is >= 1 and <= 3)
        {
            tuples.Add(new TupleValue(count, items[0], count > 1 ? items[1] : null, count > 2 ? items[2] : null));
        }

        foreach (var tuple in tuples)
        {
            Assert.Equal(count, tuple.Items.Count);
            Assert.Equal(items, tuple.Items.ToArray());
            for (var i = 0; i < count; i++)
            {
                Assert.Same(items[i], tuple.Items[i]);
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => tuple.Items[count]);
            Assert.Throws<ArgumentOutOfRangeException>(() => tuple.Items[-1]);
        }
    }

    [Fact]
    public void Dict_answers_as_if_it_kept_every_entry_until_it_stops_being_tracked()
    {
        var dict = new DictValue();
        var first = IntValue.Of(1);
        var second = IntValue.Of(2);
        dict.Set(new TextValue("shape"), first);
        dict.Set(new TextValue("order"), OpaqueValue.None);
        dict.Set(new TextValue("shape"), second);
        Assert.Same(second, dict.Get("shape"));
        Assert.Null(dict.Get("dtype"));
        Assert.Throws<ArgumentException>(() => dict.Get("order"));

        // The 64th str key is still tracked, the 65th set (whatever the key) stops tracking, as with a list of every pair.
        for (var i = 3; i < DictValue.MaxTrackedItems; i++)
        {
            dict.Set(new TextValue("k" + i), OpaqueValue.None);
        }

        Assert.Same(second, dict.Get("shape"));
        dict.Set(new TextValue("dtype"), OpaqueValue.None);
        Assert.Null(dict.Get("shape"));
        Assert.Null(dict.Get("dtype"));
    }

    [Fact]
    public void Dict_with_a_key_that_is_not_a_str_stops_being_tracked()
    {
        var dict = new DictValue();
        dict.Set(new TextValue("shape"), IntValue.Of(3));
        dict.Set(IntValue.Of(7), OpaqueValue.None);
        dict.Set(new TextValue("shape"), IntValue.Of(4));
        Assert.Null(dict.Get("shape"));
    }

    [Fact]
    public void Dense_pickle_decodes_across_buffer_refills_at_every_offset()
    {
        // Fixed-width arguments are read in place when the buffer holds them and copied when they straddle a refill:
        // a pickle of thousands of records crosses many 64 KiB refills at every possible offset.
        var w = new PickleWriter().Proto(4).EmptyList().Mark();
        for (var i = 0; i < 20_000; i++)
        {
            w.EmptyDict().Mark().ShortBinUnicode("id").BinInt(i).ShortBinUnicode("n").BinInt2((ushort)i).ShortBinUnicode("p").BinFloat(i).BinInt1((byte)i).Tuple2()
                .ShortBinUnicode("t").BinInt1(1).BinInt1(2).BinInt1(3).Tuple3().Memoize().SetItems();
        }

        w.Appends().BinGet(0).Pop().LongBinGet(5).Pop().Global("os", "system").Pop().Stop();
        var bytes = w.ToArray();
        using var reader = new BufferedByteReader(new MemoryStream(bytes));
        var simulator = new PickleSimulator(new ExtensionRegistry());
        Assert.True(simulator.Run(new PickleDisassembler(reader)));
        var import = Assert.Single(simulator.Imports);
        Assert.Equal(("os", "system"), (import.Module, import.Name));
        Assert.Equal(bytes.Length, reader.Position);
    }
}
