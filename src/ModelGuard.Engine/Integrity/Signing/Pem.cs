using System;

namespace ModelGuard.Engine.Integrity.Signing;

/// <summary>PEM blocks (RFC 7468): the base64 between "-----BEGIN label-----" and "-----END label-----".</summary>
public static class Pem
{
    /// <summary>The first block with <paramref name="label"/>.</summary>
    /// <exception cref="SignatureFormatException">No such block, or its base64 is invalid.</exception>
    public static byte[] Decode(string text, string label)
    {
        var all = DecodeAll(text, label);
        return all.Count > 0 ? all[0] : throw new SignatureFormatException($"no '-----BEGIN {label}-----' block was found");
    }

    /// <summary>Every block with <paramref name="label"/>, in order.</summary>
    public static System.Collections.Generic.List<byte[]> DecodeAll(string text, string label)
    {
        var begin = $"-----BEGIN {label}-----";
        var end = $"-----END {label}-----";
        var blocks = new System.Collections.Generic.List<byte[]>();
        var position = 0;
        while (true)
        {
            var start = text.IndexOf(begin, position, StringComparison.Ordinal);
            if (start < 0)
            {
                return blocks;
            }

            start += begin.Length;
            var stop = text.IndexOf(end, start, StringComparison.Ordinal);
            if (stop < 0)
            {
                throw new SignatureFormatException($"the '{begin}' block has no end line");
            }

            var base64 = text.Substring(start, stop - start).Replace("\r", string.Empty).Replace("\n", string.Empty).Replace(" ", string.Empty).Replace("\t", string.Empty);
            try
            {
                blocks.Add(Convert.FromBase64String(base64));
            }
            catch (FormatException)
            {
                throw new SignatureFormatException($"the '{label}' block is not valid base64");
            }

            position = stop + end.Length;
        }
    }
}
