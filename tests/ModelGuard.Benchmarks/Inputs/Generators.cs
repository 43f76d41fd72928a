using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using ModelGuard.TestSupport;

namespace ModelGuard.Benchmarks.Inputs;

/// <summary>
/// Deterministic writers of the benchmark inputs. Every byte depends only on the parameters (a fixed-seed generator makes
/// the "random" parts), so two runs scan identical files. Large payloads are holes left with a seek (sparse files).
/// </summary>
internal static class Generators
{
    /// <summary>Bytes of real (pseudo-random) data at the start of each tensor or payload; the rest is a hole of zeros.</summary>
    public const int DataHead = 64 * 1024;

    /// <summary>
    /// (a) A PyTorch checkpoint as torch.save writes it: <c>archive/data.pkl</c> (a state dict of <paramref name="tensors"/>
    /// tensors rebuilt by <c>torch._utils._rebuild_tensor_v2</c>, protocol 2, memoized like CPython), stored storages
    /// <c>archive/data/N</c> of <paramref name="tensorBytes"/> bytes each, <c>byteorder</c>, <c>version</c>, <c>.data/serialization_id</c>.
    /// </summary>
    public static void TorchCheckpoint(string path, int tensors, long tensorBytes)
    {
        var random = new Random(6001);
        using var file = Create(path);
        using var zip = new StoredZipWriter(file);
        zip.Add("archive/data.pkl", StateDictPickle(tensors, tensorBytes));
        zip.Add("archive/byteorder", "little"u8);
        var head = new byte[(int)Math.Min(DataHead, tensorBytes)];
        for (var i = 0; i < tensors; i++)
        {
            FillFloats(random, head);
            zip.AddSparse("archive/data/" + i.ToString(CultureInfo.InvariantCulture), head, tensorBytes);
        }

        zip.Add("archive/version", "3\n"u8);
        zip.Add("archive/.data/serialization_id", "0123456789012345678901234567890123456789"u8);
        zip.Finish();
    }

    /// <summary>The data.pkl torch writes for an OrderedDict of float tensors (protocol 2, BINPUT after every memoizable object).</summary>
    public static byte[] StateDictPickle(int tensors, long tensorBytes)
    {
        var memo = 0u;
        var w = new PickleWriter().Proto(2);
        void Put()
        {
            if (memo < 256)
            {
                w.BinPut((byte)memo);
            }
            else
            {
                w.LongBinPut(memo);
            }

            memo++;
        }

        w.Global("collections", "OrderedDict");
        Put();
        w.EmptyTuple().Reduce();
        Put();
        w.Mark();
        var numel = tensorBytes / 4;
        for (var i = 0; i < tensors; i++)
        {
            var layer = i / 8;
            var kind = (i % 8) switch
            {
                0 => "attn.q_proj.weight",
                1 => "attn.k_proj.weight",
                2 => "attn.v_proj.weight",
                3 => "attn.o_proj.weight",
                4 => "mlp.up_proj.weight",
                5 => "mlp.down_proj.weight",
                6 => "input_layernorm.weight",
                _ => "post_attention_layernorm.weight",
            };
            var cols = 1024;
            var rows = (int)Math.Max(1, numel / cols);
            w.BinUnicode($"model.layers.{layer}.{kind}");
            Put();
            w.Global("torch._utils", "_rebuild_tensor_v2");
            Put();
            w.Mark().Mark().BinUnicode("storage");
            Put();
            w.Global("torch", "FloatStorage");
            Put();
            w.BinUnicode(i.ToString(CultureInfo.InvariantCulture));
            Put();
            w.BinUnicode("cpu");
            Put();
            w.BinInt((int)numel).Tuple();
            Put();
            w.BinPersId();
            w.BinInt(0);
            w.BinInt(rows).BinInt(cols).Tuple2();
            Put();
            w.BinInt(cols).BinInt(1).Tuple2();
            Put();
            w.NewFalse();
            w.Global("collections", "OrderedDict");
            Put();
            w.EmptyTuple().Reduce();
            Put();
            w.Tuple();
            Put();
            w.Reduce();
            Put();
        }

        return w.SetItems().Stop().ToArray();
    }

    /// <summary>
    /// (b) A raw pickle (protocol 4, framed) of an OrderedDict from names to bytes objects of <paramref name="payloadBytes"/>
    /// bytes each, alternating BINBYTES and BINBYTES8, as pickling a dict of raw tensor buffers gives.
    /// </summary>
    public static void BytesPickle(string path, int payloads, long payloadBytes)
    {
        var random = new Random(6002);
        using var file = Create(path);
        var pickle = new FramedPickle(file);
        var w = pickle.W;
        new PickleWriter(file).Proto(4);
        w.ShortBinUnicode("collections").Memoize().ShortBinUnicode("OrderedDict").Memoize().StackGlobal().Memoize()
            .EmptyTuple().Reduce().Memoize().Mark();
        var head = new byte[(int)Math.Min(4096, payloadBytes)];
        for (var i = 0; i < payloads; i++)
        {
            w.ShortBinUnicode($"encoder.block.{i}.weight").Memoize();
            var unframed = pickle.Unframed();
            if (i % 2 == 0)
            {
                unframed.BinBytesHeader(checked((uint)payloadBytes));
            }
            else
            {
                unframed.BinBytes8Header((ulong)payloadBytes);
            }

            random.NextBytes(head);
            file.Write(head);
            file.Seek(payloadBytes - head.Length, SeekOrigin.Current);
            w.Memoize();
        }

        w.SetItems().Stop();
        pickle.Commit();
        file.SetLength(file.Position);
    }

    /// <summary>
    /// (c) A dense pickle of about <paramref name="targetBytes"/> as CPython's pickle.dumps (protocol 4) writes a list of small
    /// records: dicts with str keys, ints, floats, short str, tuples, bools, None and nested lists of dicts, in APPENDS batches
    /// of 1,000 and 64 KiB frames. With <paramref name="memoizeAll"/> every str, tuple, list and dict is memoized, as pickle.dumps
    /// does; without it only the objects referenced again are (the layout pickletools.optimize leaves), so the memo stays small.
    /// With <paramref name="orderedDicts"/> every record is a collections.OrderedDict, as pickle.dumps writes one (the class
    /// fetched from the memo, REDUCE with no arguments, then SETITEMS): the same data with an import and a call in every record.
    /// </summary>
    public static void DensePickle(string path, long targetBytes, bool memoizeAll, bool orderedDicts = false)
    {
        var random = new Random(6003);
        using var file = Create(path);
        var pickle = new FramedPickle(file);
        var w = pickle.W;
        var memo = 0L;
        var shared = new Dictionary<string, long>(StringComparer.Ordinal);

        void Memoize(bool always = false)
        {
            if (memoizeAll || always)
            {
                w.Memoize();
                memo++;
            }
        }

        // A str that recurs (dict keys, enum-like values): written and memoized once, then fetched from the memo.
        void Shared(string text)
        {
            if (shared.TryGetValue(text, out var index))
            {
                if (index < 256)
                {
                    w.BinGet((byte)index);
                }
                else
                {
                    w.LongBinGet((uint)index);
                }

                return;
            }

            w.ShortBinUnicode(text);
            shared.Add(text, memo);
            Memoize(always: true);
        }

        string[] kinds = { "dense", "sparse", "conv", "embedding", "norm" };
        new PickleWriter(file).Proto(4);
        var orderedDict = -1L;
        if (orderedDicts)
        {
            w.ShortBinUnicode("collections");
            Memoize(always: true);
            w.ShortBinUnicode("OrderedDict");
            Memoize(always: true);
            w.StackGlobal();
            orderedDict = memo;
            Memoize(always: true);
            w.Pop();
        }

        w.EmptyDict();
        Memoize();
        w.Mark();
        Shared("format");
        Shared("records-v1");
        Shared("records");
        w.EmptyList();
        Memoize();
        var id = 0;
        while (pickle.Length < targetBytes)
        {
            w.Mark();
            for (var n = 0; n < 1000 && pickle.Length < targetBytes; n++, id++)
            {
                if (orderedDicts)
                {
                    w.LongBinGet((uint)orderedDict).EmptyTuple().Reduce();
                }
                else
                {
                    w.EmptyDict();
                }

                Memoize();
                w.Mark();
                Shared("id");
                w.BinInt(id);
                Shared("name");
                w.ShortBinUnicode("item-" + id.ToString("x8", CultureInfo.InvariantCulture));
                Memoize();
                Shared("score");
                w.BinFloat(random.NextDouble());
                Shared("kind");
                Shared(kinds[id % kinds.Length]);
                Shared("tags");
                w.BinInt1((byte)random.Next(256)).BinInt1((byte)random.Next(256)).BinInt1((byte)random.Next(256)).Tuple3();
                Memoize();
                Shared("pos");
                w.BinInt2((ushort)random.Next(65536)).BinInt2((ushort)random.Next(65536)).Tuple2();
                Memoize();
                Shared("active");
                if (random.Next(2) == 0)
                {
                    w.NewTrue();
                }
                else
                {
                    w.NewFalse();
                }

                Shared("parent");
                if (id == 0)
                {
                    w.None();
                }
                else
                {
                    w.BinInt1((byte)(id % 200));
                }

                if (id % 8 == 0)
                {
                    Shared("children");
                    w.EmptyList();
                    Memoize();
                    w.Mark();
                    for (var c = 0; c < 3; c++)
                    {
                        w.EmptyDict();
                        Memoize();
                        w.Mark();
                        Shared("k");
                        w.ShortBinUnicode("c" + c.ToString(CultureInfo.InvariantCulture));
                        Memoize();
                        Shared("v");
                        w.BinInt1((byte)c);
                        w.SetItems();
                    }

                    w.Appends();
                }

                w.SetItems();
                pickle.MaybeCommit();
            }

            w.Appends();
        }

        w.SetItems().Stop();
        pickle.Commit();
        file.SetLength(file.Position);
    }

    /// <summary>
    /// (f) A GGUF file of a llama-style model (<paramref name="layers"/> layers of Q4_K attention and MLP weights, F32 norms,
    /// Q6_K embeddings and head, a 32,000-token vocabulary and a chat template) as llama.cpp writes it, its data one hole.
    /// </summary>
    public static void Gguf(string path, int layers, int hidden, int intermediate, int vocabulary)
    {
        const uint f32 = 0, q4K = 12, q6K = 14;
        var writer = new GgufWriter();
        writer.Add("general.architecture", "llama").Add("general.name", "benchmark").Add("llama.block_count", (uint)layers)
            .Add("tokenizer.ggml.model", "llama")
            .Add("tokenizer.ggml.tokens", new GgufArray(8, Enumerable.Range(0, vocabulary).Select(i => (object)("tok" + i.ToString(CultureInfo.InvariantCulture))).ToArray()))
            .Add("tokenizer.ggml.scores", new GgufArray(6, Enumerable.Range(0, vocabulary).Select(i => (object)(float)-i).ToArray()))
            .Add("tokenizer.ggml.token_type", new GgufArray(5, Enumerable.Range(0, vocabulary).Select(_ => (object)1).ToArray()))
            .Add("tokenizer.chat_template", "{% for message in messages %}{{ '<|' + message['role'] + '|>' + message['content'] }}{% endfor %}");
        writer.AddTensor("token_embd.weight", q6K, hidden, vocabulary);
        for (var i = 0; i < layers; i++)
        {
            var p = "blk." + i.ToString(CultureInfo.InvariantCulture) + ".";
            writer.AddTensor(p + "attn_q.weight", q4K, hidden, hidden);
            writer.AddTensor(p + "attn_k.weight", q4K, hidden, hidden);
            writer.AddTensor(p + "attn_v.weight", q4K, hidden, hidden);
            writer.AddTensor(p + "attn_output.weight", q4K, hidden, hidden);
            writer.AddTensor(p + "ffn_gate.weight", q4K, hidden, intermediate);
            writer.AddTensor(p + "ffn_up.weight", q4K, hidden, intermediate);
            writer.AddTensor(p + "ffn_down.weight", q4K, intermediate, hidden);
            writer.AddTensor(p + "attn_norm.weight", f32, hidden);
            writer.AddTensor(p + "ffn_norm.weight", f32, hidden);
        }

        writer.AddTensor("output_norm.weight", f32, hidden);
        writer.AddTensor("output.weight", q6K, hidden, vocabulary);
        using var file = Create(path);
        file.Write(writer.Prefix());
        file.SetLength(file.Position + writer.DataSize());
    }

    /// <summary>
    /// (d) A safetensors file of a transformer (<paramref name="layers"/> layers of BF16 attention and MLP weights plus norms,
    /// embeddings and head) with the reference writer's header, its data buffer one hole.
    /// </summary>
    public static void Safetensors(string path, int layers, int hidden, int intermediate, int vocabulary)
    {
        var writer = new SafetensorsWriter().Metadata("format", "pt");
        writer.Tensor("model.embed_tokens.weight", "BF16", vocabulary, hidden);
        for (var i = 0; i < layers; i++)
        {
            var p = "model.layers." + i.ToString(CultureInfo.InvariantCulture) + ".";
            writer.Tensor(p + "self_attn.q_proj.weight", "BF16", hidden, hidden)
                .Tensor(p + "self_attn.k_proj.weight", "BF16", hidden, hidden)
                .Tensor(p + "self_attn.v_proj.weight", "BF16", hidden, hidden)
                .Tensor(p + "self_attn.o_proj.weight", "BF16", hidden, hidden)
                .Tensor(p + "mlp.gate_proj.weight", "BF16", intermediate, hidden)
                .Tensor(p + "mlp.up_proj.weight", "BF16", intermediate, hidden)
                .Tensor(p + "mlp.down_proj.weight", "BF16", hidden, intermediate)
                .Tensor(p + "input_layernorm.weight", "F32", hidden)
                .Tensor(p + "post_attention_layernorm.weight", "F32", hidden);
        }

        writer.Tensor("model.norm.weight", "F32", hidden).Tensor("lm_head.weight", "BF16", vocabulary, hidden);
        using var file = Create(path);
        file.Write(writer.Prefix());
        file.SetLength(file.Position + writer.DataSize());
    }

    /// <summary>
    /// (e) A project folder with <paramref name="count"/> model files: small torch checkpoints, protocol 2 pickles and
    /// safetensors files in turn, all dated <paramref name="lastWriteUtc"/> (older than the task's racy window).
    /// </summary>
    public static IReadOnlyList<string> ModelFolder(string folder, int count, DateTime lastWriteUtc)
    {
        Directory.CreateDirectory(folder);
        var random = new Random(6004);
        var files = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var stem = Path.Combine(folder, "model" + i.ToString("D4", CultureInfo.InvariantCulture));
            string file;
            switch (i % 3)
            {
                case 0:
                    file = stem + ".pt";
                    TorchCheckpoint(file, tensors: 8, tensorBytes: 4096 + (i % 7 * 512));
                    break;
                case 1:
                    file = stem + ".pkl";
                    File.WriteAllBytes(file, StateDictPickle(16, 4096));
                    break;
                default:
                    file = stem + ".safetensors";
                    var writer = new SafetensorsWriter().Metadata("format", "pt");
                    for (var t = 0; t < 8; t++)
                    {
                        var data = new byte[256 * 4];
                        random.NextBytes(data);
                        writer.Tensor("layer" + t.ToString(CultureInfo.InvariantCulture) + ".weight", "F32", new long[] { 16, 16 }, data);
                    }

                    File.WriteAllBytes(file, writer.ToArray());
                    break;
            }

            File.SetLastWriteTimeUtc(file, lastWriteUtc);
            files.Add(file);
        }

        return files;
    }

    private static FileStream Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 20);
    }

    /// <summary>Little-endian float32 values of a small normal-ish distribution, as trained weights look.</summary>
    private static void FillFloats(Random random, byte[] buffer)
    {
        for (var i = 0; i + 4 <= buffer.Length; i += 4)
        {
            var value = (float)((random.NextDouble() + random.NextDouble() + random.NextDouble() - 1.5) * 0.04);
            BitConverter.TryWriteBytes(buffer.AsSpan(i), value);
        }
    }
}
