using System;
using System.Collections.Generic;
using System.Diagnostics.Tracing;
using System.Linq;

namespace ModelGuard.Benchmarks.Measurement;

/// <summary>
/// Samples allocations by type with the runtime's GCAllocationTick event (one event per ~100 KB allocated), to see what a
/// scan allocates without an external profiler: `--profile-allocations FILE`.
/// </summary>
internal sealed class AllocationProfiler : EventListener
{
    private const int GcKeyword = 0x1;
    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public static IReadOnlyList<(string Type, long Bytes)> Profile(Action action)
    {
        using var profiler = new AllocationProfiler();
        action();
        lock (profiler._bytesByType)
        {
            return profiler._bytesByType.OrderByDescending(p => p.Value).Select(p => (p.Key, p.Value)).ToArray();
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload[t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload[a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        lock (_bytesByType)
        {
            _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
        }
    }
}
