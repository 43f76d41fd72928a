using System;
using System.Diagnostics;
using System.Threading;

namespace ModelGuard.Benchmarks.Measurement;

/// <summary>
/// What one run of an action costs in managed memory.
/// <list type="bullet">
/// <item><see cref="AllocatedBytes"/>: every byte the process allocated on the managed heap during the run (GC.GetTotalAllocatedBytes, exact).</item>
/// <item><see cref="PeakHeapBytes"/>: "peak managed allocation", the largest managed heap size seen during the run above the heap
/// before it (GC.GetTotalMemory(false) sampled every millisecond on another thread, plus the heap size after each GC the
/// runtime reports): live objects plus garbage not yet collected, so an upper bound of what the scan holds at once.</item>
/// <item><see cref="PeakWorkingSetBytes"/>: the process's peak resident set afterwards (the runtime, code and buffers included).</item>
/// </list>
/// </summary>
internal readonly record struct MemoryCost(long AllocatedBytes, long PeakHeapBytes, long PeakWorkingSetBytes, int Gen0, int Gen1, int Gen2)
{
    public static MemoryCost Measure(Action action)
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var baseline = GC.GetTotalMemory(forceFullCollection: false);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var g0 = GC.CollectionCount(0);
        var g1 = GC.CollectionCount(1);
        var g2 = GC.CollectionCount(2);
        long peak = baseline;
        var done = 0;
        var sampler = new Thread(() =>
        {
            while (Volatile.Read(ref done) == 0)
            {
                var now = GC.GetTotalMemory(forceFullCollection: false);
                var afterGc = GC.GetGCMemoryInfo(GCKind.Any).HeapSizeBytes;
                var high = Math.Max(now, afterGc);
                if (high > Interlocked.Read(ref peak))
                {
                    Interlocked.Exchange(ref peak, high);
                }

                Thread.Sleep(1);
            }
        })
        { IsBackground = true, Priority = ThreadPriority.Highest };
        sampler.Start();
        try
        {
            action();
        }
        finally
        {
            var end = GC.GetTotalMemory(forceFullCollection: false);
            Volatile.Write(ref done, 1);
            sampler.Join();
            if (end > peak)
            {
                peak = end;
            }
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return new MemoryCost(
            allocated,
            Math.Max(0, peak - baseline),
            process.PeakWorkingSet64,
            GC.CollectionCount(0) - g0,
            GC.CollectionCount(1) - g1,
            GC.CollectionCount(2) - g2);
    }
}
