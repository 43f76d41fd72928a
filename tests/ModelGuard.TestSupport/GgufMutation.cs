using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ModelGuard.TestSupport;

/// <summary>The mutations of the GGUF reference tables (tests/ModelGuard.Engine.Tests/Fixtures/gguf/reference/record.mjs writes them).</summary>
public static class GgufMutation
{
    /// <summary>Applies a mutation as record.mjs writes it: u8@O=V, u32@O=V, u64@O=V, cut=N, ins@O=HEX, del@O+N, joined by ';'.</summary>
    public static byte[] Apply(byte[] seed, string mutation)
    {
        var bytes = new List<byte>(seed);
        foreach (var op in mutation.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            Match m;
            if ((m = Regex.Match(op, "^u(8|32|64)@([0-9]+)=([0-9]+)$")).Success)
            {
                var at = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
                var width = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) / 8;
                if (at + width > bytes.Count)
                {
                    continue;
                }

                var value = ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
                for (var i = 0; i < width; i++)
                {
                    bytes[at + i] = (byte)(value >> (8 * i));
                }
            }
            else if ((m = Regex.Match(op, "^cut=([0-9]+)$")).Success)
            {
                var keep = (int)Math.Min(bytes.Count, long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                bytes.RemoveRange(keep, bytes.Count - keep);
            }
            else if ((m = Regex.Match(op, "^ins@([0-9]+)=([0-9a-f]+)$")).Success)
            {
                var at = Math.Min(bytes.Count, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                bytes.InsertRange(at, Convert.FromHexString(m.Groups[2].Value));
            }
            else if ((m = Regex.Match(op, "^del@([0-9]+)\\+([0-9]+)$")).Success)
            {
                var at = Math.Min(bytes.Count, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
                var count = Math.Min(bytes.Count - at, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
                bytes.RemoveRange(at, count);
            }
            else
            {
                throw new FormatException("unknown mutation operation " + op);
            }
        }

        return bytes.ToArray();
    }
}
