using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using ModelGuard.Engine.Formats.Zip;

namespace ModelGuard.Engine.Tests.Formats.Zip;

/// <summary>Helpers shared by the zip reader tests.</summary>
internal static class ZipTestData
{
    public const long NoLimit = long.MaxValue;

    public static byte[] Text(string value) => System.Text.Encoding.UTF8.GetBytes(value);

    /// <summary>Deterministic, moderately compressible bytes.</summary>
    public static byte[] Pattern(int length, int seed = 1)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(i % 7 == 0 ? random.Next(256) : 'a' + (i % 13));
        }

        return bytes;
    }

    public static byte[] ReadAll(Stream stream, int chunk = 4096)
    {
        using var output = new MemoryStream();
        var buffer = new byte[chunk];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    public static byte[] ReadEntry(Stream archive, ZipEntry entry, long limit = NoLimit)
    {
        using var member = ZipEntryReader.Open(archive, entry, limit);
        return ReadAll(member);
    }

    public static ZipCentralDirectory Directory(byte[] archive) => ZipCentralDirectory.Read(new MemoryStream(archive, writable: false));

    public static ZipEntry Single(ZipCentralDirectory directory, string name) => directory.Entries.Single(e => e.Name == name);

    /// <summary>A zip written by System.IO.Compression with the given members and compression levels.</summary>
    public static byte[] SystemZip(params (string Name, byte[] Content, CompressionLevel Level)[] members)
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content, level) in members)
            {
                var entry = zip.CreateEntry(name, level);
                using var stream = entry.Open();
                stream.Write(content, 0, content.Length);
            }
        }

        return output.ToArray();
    }

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => p.Length)];
        var offset = 0;
        foreach (var part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }

        return result;
    }
}
