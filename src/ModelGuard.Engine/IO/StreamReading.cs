using System.IO;

namespace ModelGuard.Engine.IO;

/// <summary>Reads that keep going until the buffer is full, since a stream may return fewer bytes than asked.</summary>
internal static class StreamReading
{
    /// <summary>Reads up to <paramref name="count"/> bytes into the start of <paramref name="buffer"/>; fewer only at the end of the stream.</summary>
    public static int ReadAtMost(this Stream stream, byte[] buffer, int count)
    {
        var total = 0;
        while (total < count)
        {
            var read = stream.Read(buffer, total, count - total);
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
