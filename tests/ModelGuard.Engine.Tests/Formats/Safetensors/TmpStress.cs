using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using ModelGuard.Engine.Formats.Safetensors;

namespace ModelGuard.Engine.Tests.Formats.Safetensors;

public sealed class TmpStress
{
    [Fact]
    public void Huge_header()
    {
        if (Environment.GetEnvironmentVariable("ST_STRESS") is null)
        {
            return;
        }

        var json = new StringBuilder("{");
        var i = 0;
        while (json.Length < 99_900_000)
        {
            if (i > 0) json.Append(',');
            json.Append("\"t").Append(i).Append("\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}");
            i++;
        }

        json.Append('}');
        var header = Encoding.ASCII.GetBytes(json.ToString());
        var file = new byte[8 + header.Length];
        BitConverter.GetBytes((ulong)header.Length).CopyTo(file, 0);
        header.CopyTo(file, 8);
        json = null;
        header = null;
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var sw = Stopwatch.StartNew();
        using var stream = new MemoryStream(file);
        var result = SafetensorsValidator.Validate(stream, file.Length);
        sw.Stop();
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine($"STRESS tensors={i} issues={result.Issues.Count} time={sw.ElapsedMilliseconds}ms managedAfter={(GC.GetTotalMemory(false) - before) / 1048576}MB peakWS={peak / 1048576}MB");
    }
}
