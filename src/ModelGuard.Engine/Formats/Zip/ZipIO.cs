using System.IO;

namespace ModelGuard.Engine.Formats.Zip;

/// <summary>Positioned reads that turn a short stream into a <see cref="ZipFormatException"/>.</summary>
internal static class ZipIO
{
    /// <summary>Reads exactly <paramref name="count"/> bytes at <paramref name="offset"/>; <paramref name="what"/> names the record for the error message.</summary>
    public static void ReadExactlyAt(Stream stream, long offset, byte[] buffer, int count, string what)
    {
        var length = stream.Length;
        if (offset < 0 || offset > length || count > length - offset)
        {
            throw new ZipFormatException(
                $"The {what} at offset {offset} needs {count} bytes, but the archive is only {length} bytes long.");
        }

        stream.Position = offset;
        var read = 0;
        while (read < count)
        {
            var n = stream.Read(buffer, read, count - read);
            if (n <= 0)
            {
                throw new ZipFormatException(
                    $"The archive ended after {read} of the {count} bytes of the {what} at offset {offset}.");
            }

            read += n;
        }
    }

    /// <summary>A zip64 field as a stream offset or size, refusing values a <see cref="long"/> cannot hold.</summary>
    public static long ToInt64(ulong value, string what)
    {
        if (value > long.MaxValue)
        {
            throw new ZipFormatException($"The {what} ({value}) is larger than any stream can be.");
        }

        return (long)value;
    }
}
