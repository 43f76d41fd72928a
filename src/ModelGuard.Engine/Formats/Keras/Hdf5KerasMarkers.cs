using System;
using System.Buffers;
using System.IO;
using System.Text;
using ModelGuard.Engine.Limits;

namespace ModelGuard.Engine.Formats.Keras;

/// <summary>
/// Looks for the JSON a Keras HDF5 model keeps in its root group's <c>model_config</c> attribute, without an HDF5 reader:
/// h5py writes the attributes before the weights, so they sit near the start of the file. Only the first
/// <see cref="SearchedBytes"/> bytes are searched; the file is reported as unverified whatever is found.
/// </summary>
internal static class Hdf5KerasMarkers
{
    public const int SearchedBytes = 8 * 1024 * 1024;

    private const int BufferSize = 64 * 1024;

    private static readonly byte[] ModelConfig = Encoding.ASCII.GetBytes("model_config");
    private static readonly byte[] LambdaBytecode = Encoding.ASCII.GetBytes("\"function_type\": \"lambda\"");

    /// <summary>Searches the start of <paramref name="content"/>.</summary>
    public static Hdf5KerasFacts Search(Stream content)
    {
        var overlap = Math.Max(ModelConfig.Length, LambdaBytecode.Length) - 1;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize + overlap);
        try
        {
            var facts = default(Hdf5KerasFacts);
            long consumed = 0;
            var kept = 0;
            while (consumed < SearchedBytes)
            {
                ScanDeadline.Check();
                var read = content.Read(buffer, kept, (int)Math.Min(BufferSize, SearchedBytes - consumed));
                if (read <= 0)
                {
                    break;
                }

                var window = buffer.AsSpan(0, kept + read);
                var lambdaAt = window.IndexOf(LambdaBytecode);
                facts = new Hdf5KerasFacts(
                    facts.IsKerasModel || window.IndexOf(ModelConfig) >= 0,
                    facts.LambdaOffset ?? (lambdaAt >= 0 ? consumed - kept + lambdaAt : null));
                consumed += read;
                kept = Math.Min(overlap, window.Length);
                window.Slice(window.Length - kept).CopyTo(buffer);
            }

            return facts;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>What the start of an HDF5 file says about a Keras model in it.</summary>
internal readonly struct Hdf5KerasFacts
{
    public Hdf5KerasFacts(bool isKerasModel, long? lambdaOffset)
    {
        IsKerasModel = isKerasModel;
        LambdaOffset = lambdaOffset;
    }

    /// <summary>The file has a <c>model_config</c> attribute (Keras' <c>model.save("x.h5")</c>).</summary>
    public bool IsKerasModel { get; }

    /// <summary>Where a tf.keras Lambda layer's marshalled bytecode is declared, if one was found.</summary>
    public long? LambdaOffset { get; }
}
