using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace ModelGuard.Benchmarks;

/// <summary>What the numbers were measured on.</summary>
internal static class Machine
{
    public static string Describe()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return $"{Environment.ProcessorCount} cores, {cpu}, {memory:F1} GiB available to .NET, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, GC {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}";
    }
}
