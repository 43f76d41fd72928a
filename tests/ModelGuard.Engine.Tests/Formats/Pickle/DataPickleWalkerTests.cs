using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using ModelGuard.Engine.Formats.Pickle;
using ModelGuard.Engine.IO;
using ModelGuard.Engine.Rules;
using ModelGuard.Engine.Scanning;
using ModelGuard.Engine.Tests.Robustness;
using ModelGuard.TestSupport;

namespace ModelGuard.Engine.Tests.Formats.Pickle;

/// <summary>
/// The data-only walk (issue #6) may only ever skip work: with it or without it, every scan must report exactly the same
/// findings, at the same offsets, with the same messages. These tests compare the two on every corpus file, on mutated
/// data pickles and on random opcode sequences built to hit every failure the walk has to recognise.
/// </summary>
public sealed class DataPickleWalkerTests
{
    private static readonly ScanOptions WithoutWalk = new() { WalkDataPickles = false };

    public static TheoryData<string> CorpusFiles() => RobustnessCorpus.Theory();

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public void Every_corpus_file_gets_the_same_findings_with_and_without_the_walk(string name)
    {
        var content = RobustnessCorpus.Read(name);
        AssertSameFindings(content, Path.GetFileName(name), name);
    }

    [Fact]
    public void Mutated_data_pickles_get_the_same_findings_with_and_without_the_walk()
    {
        var seeds = DataPickles().ToArray();
        foreach (var (label, original) in seeds)
        {
            var mutator = new Mutator(original, MutationPropertyTests.StableSeed(label));
            for (var i = 0; i < 150; i++)
            {
                var input = mutator.Next(out var mutation);
                AssertSameFindings(input, "data.pkl", $"{label}, mutation #{i} ({mutation})");
            }
        }
    }

    [Fact]
    public void Random_opcode_sequences_get_the_same_findings_with_and_without_the_walk()
    {
        var random = new Random(20261124);
        var walked = 0;
        for (var i = 0; i < 6000; i++)
        {
            var input = RandomSequence(random);
            AssertSameFindings(input, "data.pkl", $"sequence #{i}: {Convert.ToHexString(input)}");
            using var stream = new MemoryStream(input, writable: false);
            using var reader = new BufferedByteReader(stream);
            if (new DataPickleWalker().TryWalk(new PickleDisassembler(reader)))
            {
                walked++;
            }
        }

        // The generator must exercise both outcomes, or the comparison proves little.
        Assert.InRange(walked, 1500, 4500);
    }

    [Fact]
    public void Long_memo_sequences_get_the_same_findings_with_and_without_the_walk()
    {
        // The walk counts a memo numbered in order without a bitmap, fills the bitmap in at the first index out of order, and
        // stops checking BINGET once entries 0 to 255 are set: long sequences of memo opcodes cross each of those points, in
        // either state, with indices in order, set again, just ahead and just missing, and deep enough marks to grow their array.
        var random = new Random(6006);
        var walked = 0;
        var outOfOrder = 0;
        for (var i = 0; i < 1500; i++)
        {
            var input = LongMemoSequence(random, out var inOrder);
            AssertSameFindings(input, "data.pkl", $"sequence #{i}: {Convert.ToHexString(input)}");
            using var stream = new MemoryStream(input, writable: false);
            using var reader = new BufferedByteReader(stream);
            if (new DataPickleWalker().TryWalk(new PickleDisassembler(reader)))
            {
                walked++;
                outOfOrder += inOrder ? 0 : 1;
            }
        }

        Assert.InRange(walked, 600, 1450);
        Assert.InRange(outOfOrder, 100, walked - 100);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_memo_index_never_set_below_256_is_found_after_many_entries(bool fetchTheHole)
    {
        // Indices 0 to 9 in order, then 11 to 299 by explicit PUTs: index 10 is never set, and BINGET 10 must fail even though
        // the memo holds hundreds of entries (BINGET goes unchecked only once indices 0 to 255 are all set).
        var w = new PickleWriter().Proto(4).EmptyList().Mark();
        for (uint i = 0; i < 300; i++)
        {
            if (i == 10)
            {
                continue;
            }

            w.None();
            if (i < 10)
            {
                w.Memoize();
            }
            else
            {
                w.LongBinPut(i);
            }
        }

        w.BinGet(11).BinGet(fetchTheHole ? (byte)10 : (byte)12).Appends();
        var content = w.Stop().ToArray();

        AssertSameFindings(content, "data.pkl", fetchTheHole ? "BINGET of the hole" : "BINGET of set entries");
        using var stream = new MemoryStream(content, writable: false);
        using var reader = new BufferedByteReader(stream);
        Assert.Equal(!fetchTheHole, new DataPickleWalker().TryWalk(new PickleDisassembler(reader)));
    }

    [Fact]
    public void Content_read_in_small_pieces_gets_the_same_findings()
    {
        foreach (var (label, content) in DataPickles())
        {
            var expected = Describe(new ModelScanner(WithoutWalk).Scan(new MemoryStream(content, writable: false), "data.pkl"));
            var actual = Describe(new ModelScanner().Scan(new TrickleStream(content, chunk: 7), "data.pkl"));
            Assert.True(expected == actual, $"{label}\nwithout the walk:\n{expected}\nwith it, read 7 bytes at a time:\n{actual}");
        }
    }

    [Fact]
    public void A_data_pickle_is_walked_to_its_stop_and_the_next_stream_follows()
    {
        var data = DataRecords(records: 50, protocol: 4);
        var content = data.Concat(new PickleWriter().Proto(2).Global("os", "system").Stop().ToArray()).ToArray();
        using var stream = new MemoryStream(content, writable: false);
        using var reader = new BufferedByteReader(stream);
        var disassembler = new PickleDisassembler(reader);
        var walker = new DataPickleWalker();

        Assert.True(walker.TryWalk(disassembler));
        Assert.Equal(data.Length, disassembler.Position);

        // The second stream imports: the walk stops undecided, and the caller goes back to where it started.
        var start = disassembler.Save();
        Assert.False(walker.TryWalk(disassembler));
        disassembler.Restore(start);
        Assert.Equal(data.Length, disassembler.Position);
        Assert.True(disassembler.TryRead(out var proto));
        Assert.Equal(PickleOpcode.Proto, proto.Opcode);
    }

    [Theory]
    [InlineData("global", "80 02 63 6f 73 0a 73 79 73 74 65 6d 0a 2e")]
    [InlineData("stack global", "80 04 8c 02 6f 73 94 8c 06 73 79 73 74 65 6d 94 93 2e")]
    [InlineData("reduce on data", "80 02 4e 29 52 2e")]
    [InlineData("build on data", "80 02 7d 7d 62 2e")]
    [InlineData("persistent id", "80 02 4b 01 51 2e")]
    [InlineData("extension", "80 02 82 01 2e")]
    [InlineData("stack underflow", "80 02 61 2e")]
    [InlineData("memo get never put", "80 02 68 03 2e")]
    [InlineData("odd dict", "80 02 28 4b 01 64 2e")]
    [InlineData("setitems below the mark", "80 02 28 4b 01 4b 02 75 2e")]
    [InlineData("invalid utf-8", "80 04 8c 02 c3 28 2e")]
    [InlineData("truncated argument", "80 02 4a 01 02")]
    [InlineData("no stop", "80 02 4e")]
    [InlineData("frame longer than the data", "80 04 95 ff 00 00 00 00 00 00 00 4e 2e")]
    [InlineData("far memo index", "80 02 4e 72 00 00 00 40 2e")]
    [InlineData("empty", "")]
    public void The_walk_leaves_everything_else_to_the_simulator(string what, string hex)
    {
        var content = Convert.FromHexString(hex.Replace(" ", string.Empty, StringComparison.Ordinal));
        using var stream = new MemoryStream(content, writable: false);
        using var reader = new BufferedByteReader(stream);

        Assert.False(new DataPickleWalker().TryWalk(new PickleDisassembler(reader)), what);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Walking_allocates_only_the_memo_bitmap_not_per_opcode(bool memoOutOfOrder)
    {
        // 200,000 records, about 600,000 memo entries and 4.6 million opcodes. Numbered in order, the memo is a count; after a
        // PUT ahead of the count (first NONE, LONG_BINPUT 1, POP, then index 0 the same way) it is a bitmap of 600,000 bits.
        var records = DataRecords(records: 200_000, protocol: 4);
        var content = memoOutOfOrder
            ? new byte[] { 0x80, 4, (byte)'N', (byte)'r', 1, 0, 0, 0, (byte)'0', (byte)'N', (byte)'r', 0, 0, 0, 0, (byte)'0' }.Concat(records.Skip(2)).ToArray()
            : records;
        using var stream = new MemoryStream(content, writable: false);
        using var reader = new BufferedByteReader(stream);
        var walker = new DataPickleWalker();
        var first = new PickleDisassembler(new BufferedByteReader(new MemoryStream(content, writable: false)));
        var beforeFirst = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(walker.TryWalk(first));
        var allocatedFirst = GC.GetAllocatedBytesForCurrentThread() - beforeFirst;

        // The bitmap exists only for the memo out of order: 600,000 bits are 75 KB.
        Assert.True(memoOutOfOrder ? allocatedFirst > 70_000 : allocatedFirst < 64 * 1024, $"the first walk allocated {allocatedFirst:N0} bytes");

        var before = GC.GetAllocatedBytesForCurrentThread();
        Assert.True(walker.TryWalk(new PickleDisassembler(reader)));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // A bitmap grown on the first walk is reused; a value per opcode would be tens of megabytes.
        Assert.True(allocated < 64 * 1024, $"the second walk of {content.Length:N0} bytes allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void A_stack_at_the_limit_and_one_past_it_get_the_same_findings(int extra)
    {
        // The walk checks the stack limit once per buffer, conservatively; the simulator decides exactly.
        var pushes = PickleSimulator.MaxStackDepth + extra;
        var content = new byte[2 + pushes + 1];
        content[0] = 0x80;
        content[1] = 2;
        content.AsSpan(2, pushes).Fill((byte)'N');
        content[^1] = (byte)'.';

        AssertSameFindings(content, "data.pkl", $"{pushes} values on the stack");
        var result = new ModelScanner().Scan(new MemoryStream(content, writable: false), "data.pkl");
        Assert.Equal(extra == 0 ? Array.Empty<string>() : new[] { RuleIds.PickleDecodeFailure }, result.Findings.Select(f => f.Rule.Id));
    }

    [Fact]
    public void The_time_limit_stops_a_long_data_walk()
    {
        // 40 MB of NONE, POP: at least tens of milliseconds of walking, far beyond the 5 ms allowed.
        var content = new byte[2 + (40 * 1024 * 1024) + 1];
        content[0] = 0x80;
        content[1] = 2;
        for (var i = 2; i < content.Length - 1; i += 2)
        {
            content[i] = (byte)'N';
            content[i + 1] = (byte)'0';
        }

        content[^1] = (byte)'.';
        var result = new ModelScanner(new ScanOptions { MaxScanTime = TimeSpan.FromMilliseconds(5) }).Scan(new MemoryStream(content, writable: false), "data.pkl");

        Assert.Equal(new[] { RuleIds.ScanTimeLimitExceeded }, result.Findings.Select(f => f.Rule.Id));
    }

    private static void AssertSameFindings(byte[] content, string displayName, string label)
    {
        var expected = Describe(new ModelScanner(WithoutWalk).Scan(new MemoryStream(content, writable: false), displayName));
        var actual = Describe(new ModelScanner().Scan(new MemoryStream(content, writable: false), displayName));
        Assert.True(expected == actual, $"{label}\nwithout the walk:\n{expected}\nwith it:\n{actual}");
    }

    private static string Describe(ScanResult result)
        => string.Join("\n", result.Findings.Select(f => $"{f.Rule.Id} {f.ArchiveMember} @{f.Offset}: {f.Message}"));

    /// <summary>Data pickles of every protocol, as CPython lays them out (records of dicts, lists, tuples and scalars).</summary>
    private static IEnumerable<(string Label, byte[] Content)> DataPickles()
    {
        for (var protocol = 0; protocol <= 5; protocol++)
        {
            yield return ($"records, protocol {protocol}", DataRecords(records: 12, protocol));
        }

        // More than 256 memo entries: past that point the walk stops checking BINGET (entries 0 to 255 are all set).
        yield return ("records, protocol 4, 350 memo entries", DataRecords(records: 100, protocol: 4));

        foreach (var name in RobustnessCorpus.Names.Where(n => n.StartsWith("fixtures/pickletools/", StringComparison.Ordinal) && n.EndsWith(".pkl", StringComparison.Ordinal)))
        {
            yield return (name, RobustnessCorpus.Read(name));
        }
    }

    /// <summary>
    /// A dict holding a list of records, each a dict of an int, a str, a float, a tuple, a bool, None and bytes, keys shared
    /// through the memo, written with the opcodes the given protocol uses.
    /// </summary>
    internal static byte[] DataRecords(int records, int protocol)
    {
        var w = new PickleWriter();
        var memo = 0u;
        void Remember()
        {
            if (protocol >= 4)
            {
                w.Memoize();
            }
            else if (protocol >= 1)
            {
                w.LongBinPut(memo);
            }
            else
            {
                w.Put(memo);
            }

            memo++;
        }

        void Text(string value)
        {
            if (protocol >= 4)
            {
                w.ShortBinUnicode(value);
            }
            else if (protocol >= 1)
            {
                w.BinUnicode(value);
            }
            else
            {
                w.Unicode(value);
            }

            Remember();
        }

        void Int(int value)
        {
            if (protocol >= 1)
            {
                w.BinInt(value);
            }
            else
            {
                w.Op((byte)'I').Raw(value.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\n");
            }
        }

        if (protocol >= 2)
        {
            w.Proto((byte)protocol);
        }

        w.Op(protocol >= 1 ? (byte)'}' : (byte)'(');
        if (protocol == 0)
        {
            w.Op((byte)'d');
        }

        Remember();
        Text("records");
        w.Op(protocol >= 1 ? (byte)']' : (byte)'(');
        if (protocol == 0)
        {
            w.Op((byte)'l');
        }

        Remember();
        var keys = new Dictionary<string, uint>();
        for (var r = 0; r < records; r++)
        {
            if (r % 100 == 0)
            {
                w.Mark();
            }

            w.Op(protocol >= 1 ? (byte)'}' : (byte)'(');
            if (protocol == 0)
            {
                w.Op((byte)'d');
            }

            Remember();
            w.Mark();
            foreach (var key in new[] { "id", "name", "score", "shape", "ok", "none", "blob" })
            {
                if (keys.TryGetValue(key, out var index))
                {
                    if (protocol >= 1)
                    {
                        w.LongBinGet(index);
                    }
                    else
                    {
                        w.Get(index);
                    }
                }
                else
                {
                    keys[key] = memo;
                    Text(key);
                }

                switch (key)
                {
                    case "id":
                        Int(r);
                        break;
                    case "name":
                        Text(r % 3 == 0 ? $"名前-{r}" : $"record-{r}");
                        break;
                    case "score":
                        if (protocol >= 1)
                        {
                            w.BinFloat(r / 7.0);
                        }
                        else
                        {
                            w.Op((byte)'F').Raw("0.5\n");
                        }

                        break;
                    case "shape":
                        w.Mark();
                        Int(r);
                        Int(3);
                        w.Tuple();
                        Remember();
                        break;
                    case "ok":
                        if (protocol >= 2)
                        {
                            w.Op(r % 2 == 0 ? (byte)0x88 : (byte)0x89);
                        }
                        else
                        {
                            w.Op((byte)'I').Raw(r % 2 == 0 ? "01\n" : "00\n");
                        }

                        break;
                    case "none":
                        w.None();
                        break;
                    default:
                        if (protocol >= 3)
                        {
                            w.BinBytes(new byte[] { 1, 2, 3, (byte)r });
                        }
                        else
                        {
                            w.ShortBinString("\u0001\u0002\u00ff");
                        }

                        break;
                }
            }

            w.SetItems();
            if (r % 100 == 99 || r == records - 1)
            {
                w.Appends();
            }
        }

        w.SetItem();
        return w.Stop().ToArray();
    }

    /// <summary>
    /// A random short sequence of data opcodes with well-formed arguments most of the time, plus now and then an import, a
    /// call, an invalid byte, malformed text or a truncation: every way a data stream can fail, and many that load.
    /// </summary>
    private static byte[] RandomSequence(Random random)
    {
        var w = new PickleWriter();
        if (random.Next(4) > 0)
        {
            w.Proto((byte)random.Next(6));
        }

        if (random.Next(2) == 0)
        {
            // Half of the sequences are well-formed values with a random opcode or two slipped in.
            var memo = 0;
            var injections = random.Next(3);
            WriteValue(w, random, depth: 0, ref memo, ref injections);
            w.Stop();
            return w.ToArray();
        }

        var length = random.Next(1, 40);
        for (var i = 0; i < length; i++)
        {
            WriteRandomOpcode(w, random);
        }

        if (random.Next(8) > 0)
        {
            w.Stop();
        }

        var bytes = w.ToArray();
        return random.Next(10) == 0 && bytes.Length > 1 ? bytes.AsSpan(0, random.Next(1, bytes.Length)).ToArray() : bytes;
    }

    /// <summary>
    /// A list of 200 to 700 values, most of them memoized (MEMOIZE, or a PUT in order as protocols 1 to 3 write it) and many
    /// fetched again, with now and then an index set again, one just ahead of the count, a fetch of an index never set, a
    /// nested batch of marks, or a missing STOP. <paramref name="inOrder"/> tells whether every index was set in order.
    /// </summary>
    private static byte[] LongMemoSequence(Random random, out bool inOrder)
    {
        var w = new PickleWriter().Proto(4).EmptyList().Memoize();
        var set = new List<long> { 0 };
        var isSet = new HashSet<long> { 0 };
        void Set(long index)
        {
            if (isSet.Add(index))
            {
                set.Add(index);
            }
        }

        long Hole()
        {
            var candidate = random.Next(Math.Min(set.Count + 2, 256));
            while (isSet.Contains(candidate))
            {
                candidate++;
            }

            return candidate;
        }

        inOrder = true;
        var rareFailures = random.Next(3) == 0;
        var putsAhead = random.Next(2) == 0;
        var values = random.Next(200, 700);
        w.Mark();
        for (var i = 0; i < values; i++)
        {
            switch (random.Next(20))
            {
                case 0:
                case 1:
                    // A fetch, mostly of an index that is set.
                    // Now and then an index never set: at or past the count, or a hole left by a PUT ahead of it.
                    var get = rareFailures && random.Next(40) == 0 ? (random.Next(2) == 0 ? set.Count + random.Next(3) : Hole()) : set[random.Next(set.Count)];
                    if (get < 256 && random.Next(4) > 0)
                    {
                        w.BinGet((byte)get);
                    }
                    else
                    {
                        w.LongBinGet((uint)get);
                    }

                    continue;
                case 2:
                    // Marks nested deeper than the walk's first array, then closed as a tuple.
                    w.Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().Mark().None();
                    for (var m = 0; m < 16; m++)
                    {
                        w.Tuple();
                    }

                    w.Tuple();
                    break;
                case 3:
                    w.ShortBinUnicode(random.Next(4) == 0 ? "名前" : "key");
                    break;
                default:
                    w.BinInt1((byte)random.Next(256));
                    break;
            }

            // Most values go into the memo.
            switch (random.Next(12))
            {
                case 0:
                    break;
                case 1:
                    // An index set again, or now and then one just ahead of the count: the memo is no longer numbered in order.
                    var put = putsAhead && random.Next(8) == 0 ? set.Count + random.Next(1, 3) : set[random.Next(set.Count)];
                    inOrder &= put <= set.Count;
                    w.LongBinPut((uint)put);
                    Set(put);
                    break;
                case 2:
                    if (set.Count < 256)
                    {
                        w.BinPut((byte)set.Count);
                    }
                    else
                    {
                        w.LongBinPut((uint)set.Count);
                    }

                    Set(set.Count);
                    break;
                default:
                    // After an index out of order MEMOIZE numbers by the count of entries, which may be an index already set.
                    w.Memoize();
                    Set(set.Count);
                    break;
            }
        }

        w.Appends();
        return rareFailures && random.Next(4) == 0 ? w.ToArray() : w.Stop().ToArray();
    }

    /// <summary>Writes one well-formed value (a scalar or a container of values), memoizing some; now and then a random opcode goes in first.</summary>
    private static void WriteValue(PickleWriter w, Random random, int depth, ref int memo, ref int injections)
    {
        if (injections > 0 && random.Next(8) == 0)
        {
            injections--;
            WriteRandomOpcode(w, random);
        }

        switch (depth > 3 ? random.Next(4) : random.Next(9))
        {
            case 0: w.BinInt1((byte)random.Next(256)); break;
            case 1: w.ShortBinUnicode(random.Next(4) == 0 ? "名" : "key"); break;
            case 2: w.None(); break;
            case 3:
                if (memo > 0)
                {
                    w.BinGet((byte)random.Next(Math.Min(memo, 256)));
                }
                else
                {
                    w.BinFloat(1.5);
                }

                break;
            case 4:
                {
                    var n = random.Next(5);
                    w.Mark();
                    for (var i = 0; i < n; i++)
                    {
                        WriteValue(w, random, depth + 1, ref memo, ref injections);
                    }

                    w.Tuple();
                    break;
                }

            case 5:
                {
                    var n = random.Next(1, 4);
                    for (var i = 0; i < n; i++)
                    {
                        WriteValue(w, random, depth + 1, ref memo, ref injections);
                    }

                    w.Op((byte)(0x85 + n - 1));
                    break;
                }

            case 6:
            case 7:
                {
                    var dict = random.Next(2) == 0;
                    w.Op(dict ? (byte)'}' : (byte)']');
                    w.Memoize();
                    memo++;
                    var n = random.Next(4);
                    var batched = random.Next(2) == 0;
                    if (batched)
                    {
                        w.Mark();
                    }

                    for (var i = 0; i < n; i++)
                    {
                        WriteValue(w, random, depth + 1, ref memo, ref injections);
                        if (dict)
                        {
                            WriteValue(w, random, depth + 1, ref memo, ref injections);
                        }

                        if (!batched)
                        {
                            w.Op(dict ? (byte)'s' : (byte)'a');
                        }
                    }

                    if (batched)
                    {
                        w.Op(dict ? (byte)'u' : (byte)'e');
                    }

                    return;
                }

            default:
                WriteValue(w, random, depth + 1, ref memo, ref injections);
                w.Dup();
                w.Pop();
                break;
        }

        if (random.Next(3) == 0)
        {
            w.Memoize();
            memo++;
        }
    }

    private static void WriteRandomOpcode(PickleWriter w, Random random)
    {
        {
            // Values are likelier than consumers, so many sequences keep a balanced stack and reach STOP cleanly.
            switch (random.Next(46))
            {
                case 0: case 1: case 2: w.Mark(); break;
                case 3: case 4: w.None(); break;
                case 5: w.BinInt1((byte)random.Next(256)); break;
                case 6: w.BinInt2((ushort)random.Next(65536)); break;
                case 7: w.BinInt(random.Next()); break;
                case 8: w.BinFloat(random.NextDouble()); break;
                case 9: w.ShortBinUnicode(random.Next(3) == 0 ? "é" : "k"); break;
                case 10: w.Op(0x8c).Op(2).Raw(new[] { (byte)0xed, (byte)(random.Next(2) == 0 ? 0xa0 : 0x28) }); break; // surrogate or invalid
                case 11: w.BinUnicode(random.Next(8) == 0 ? new string('x', 5000) : "v"); break;
                case 12: w.ShortBinString("s"); break;
                case 13: w.Op((byte)'C').Op(1).Op(7); break; // SHORT_BINBYTES
                case 14: w.BinBytes(new byte[random.Next(3)]); break;
                case 15: w.EmptyTuple(); break;
                case 16: w.EmptyList(); break;
                case 17: w.EmptyDict(); break;
                case 18: w.Op(0x8f); break; // EMPTY_SET
                case 19: w.Tuple(); break;
                case 20: w.Op((byte)'l'); break; // LIST
                case 21: w.Op((byte)'d'); break; // DICT
                case 22: w.Op(0x91); break; // FROZENSET
                case 23: w.Op((byte)(0x85 + random.Next(3))); break; // TUPLE1-3
                case 24: w.Append(); break;
                case 25: w.Appends(); break;
                case 26: w.SetItem(); break;
                case 27: w.SetItems(); break;
                case 28: w.Op(0x90); break; // ADDITEMS
                case 29: w.Pop(); break;
                case 30: w.Op((byte)'1'); break; // POP_MARK
                case 31: w.Dup(); break;
                case 32: w.Memoize(); break;
                case 33: w.BinPut((byte)random.Next(4)); break;
                case 34: w.BinGet((byte)random.Next(4)); break;
                case 35: w.LongBinPut(random.Next(10) == 0 ? uint.MaxValue : (uint)random.Next(4)); break;
                case 36: w.LongBinGet((uint)random.Next(4)); break;
                case 37: w.Put(random.Next(4)); break;
                case 38: w.Get(random.Next(4)); break;
                case 39: w.Op((byte)'I').Raw(random.Next(3) == 0 ? "x1\n" : "12\n"); break;
                case 40: w.Frame((ulong)random.Next(64)); break;
                case 41: w.Op(0x98); break; // READONLY_BUFFER
                case 42: w.Op(0x8a).Op(2).Op(1).Op(0x80); break; // LONG1
                case 43: w.NewTrue(); break;
                case 44:
                    // Rarely: something only the simulator can judge.
                    switch (random.Next(5))
                    {
                        case 0: w.Global("collections", "OrderedDict"); break;
                        case 1: w.Reduce(); break;
                        case 2: w.Op(0xff); break;
                        case 3: w.Op(0x97); break; // NEXT_BUFFER
                        default: w.BinPersId(); break;
                    }

                    break;
                default: w.Op((byte)'F').Raw(random.Next(3) == 0 ? "nan\n" : "1e5x\n"); break;
            }
        }
    }

    /// <summary>A seekable stream that hands out at most a few bytes per read, so the walk crosses buffer refills everywhere.</summary>
    private sealed class TrickleStream : MemoryStream
    {
        private readonly int _chunk;

        public TrickleStream(byte[] content, int chunk)
            : base(content, writable: false) => _chunk = chunk;

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, _chunk));
    }
}
