using System.IO;
using System.IO.Compression;
using System.Text;

namespace ModelGuard.TestSupport;

/// <summary>
/// Writes checkpoints in the layout <c>torch.save</c> uses since PyTorch 1.6: a zip whose members sit under one
/// folder (<c>archive/</c> by default) with <c>data.pkl</c>, <c>data/&lt;key&gt;</c> storages, <c>version</c> and <c>byteorder</c>.
/// </summary>
public static class TorchCheckpointWriter
{
    /// <summary>
    /// The pickle torch writes for <c>{"weight": torch.zeros(2, 2)}</c>: an OrderedDict of tensors rebuilt by
    /// <c>torch._utils._rebuild_tensor_v2</c> from a FloatStorage persistent id.
    /// </summary>
    public static byte[] StateDictPickle(string[] tensorNames)
    {
        var w = new PickleWriter().Proto(2)
            .Global("collections", "OrderedDict").BinPut(0).EmptyTuple().Reduce().BinPut(1).Mark();
        for (var i = 0; i < tensorNames.Length; i++)
        {
            w.BinUnicode(tensorNames[i])
                .Global("torch._utils", "_rebuild_tensor_v2")
                .Mark()
                // persistent id: ('storage', torch.FloatStorage, '<key>', 'cpu', 4)
                .Mark().BinUnicode("storage").Global("torch", "FloatStorage").BinUnicode(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).BinUnicode("cpu").BinInt1(4).Tuple()
                .BinPersId()
                .BinInt1(0) // storage offset
                .BinInt1(2).BinInt1(2).Tuple2() // size
                .BinInt1(2).BinInt1(1).Tuple2() // stride
                .NewFalse() // requires_grad
                .Global("collections", "OrderedDict").EmptyTuple().Reduce() // backward hooks
                .Tuple()
                .Reduce();
        }

        return w.SetItems().Stop().ToArray();
    }

    /// <summary>A benign checkpoint with the given tensors.</summary>
    public static byte[] Benign(params string[] tensorNames)
        => Zip(StateDictPickle(tensorNames.Length == 0 ? new[] { "weight" } : tensorNames), tensorNames.Length == 0 ? 1 : tensorNames.Length);

    /// <summary>A checkpoint whose <c>data.pkl</c> calls <c>os.system(command)</c> while it loads.</summary>
    public static byte[] Malicious(string command = "echo pwned")
        => Zip(new PickleWriter().Proto(2).CallWithString("os", "system", command).Stop().ToArray(), storages: 0);

    /// <summary>Wraps a <c>data.pkl</c> in the torch zip layout with <paramref name="storages"/> 16-byte storages.</summary>
    public static byte[] Zip(byte[] dataPkl, int storages, string folder = "archive")
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, folder + "/data.pkl", dataPkl);
            Add(zip, folder + "/byteorder", Encoding.ASCII.GetBytes("little"));
            for (var i = 0; i < storages; i++)
            {
                Add(zip, folder + "/data/" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), new byte[16]);
            }

            Add(zip, folder + "/version", Encoding.ASCII.GetBytes("3\n"));
            Add(zip, folder + "/.data/serialization_id", Encoding.ASCII.GetBytes("1234567890123456789012345678901234567890"));
        }

        return output.ToArray();
    }

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        // torch writes every member stored (uncompressed) so tensors can be memory-mapped.
        var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
        using var stream = entry.Open();
        stream.Write(content, 0, content.Length);
    }
}
