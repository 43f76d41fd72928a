using System;
using System.Diagnostics;
using System.Globalization;

namespace ModelGuard.Engine.Limits;

/// <summary>
/// The time budget of the scan running on this thread. <see cref="Scanning.ModelScanner"/> opens it for each file; the read
/// paths (the file stream, every decompressor, archive member windows, the pickle simulation loop, archive entry loops) call
/// <see cref="Check"/>, which throws <see cref="ScanLimitExceededException"/> once the budget is spent. Ambient (per thread)
/// so that format readers need no extra parameter; a scan runs on one thread from start to end.
/// </summary>
internal static class ScanDeadline
{
    [ThreadStatic]
    private static long t_deadline;

    [ThreadStatic]
    private static TimeSpan t_limit;

    /// <summary>True while a deadline is set on this thread.</summary>
    public static bool IsActive => t_deadline != 0;

    /// <summary>Starts a budget of <paramref name="limit"/> for this thread until the scope is disposed (the previous one is restored).</summary>
    public static Scope Enter(TimeSpan limit)
    {
        var scope = new Scope(t_deadline, t_limit);
        if (limit <= TimeSpan.Zero || limit == TimeSpan.MaxValue)
        {
            t_deadline = 0;
        }
        else
        {
            var ticks = (long)Math.Min(limit.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 4);
            t_deadline = Math.Max(1, Stopwatch.GetTimestamp() + ticks);
        }

        t_limit = limit;
        return scope;
    }

    /// <summary>Throws <see cref="ScanLimitExceededException"/> when this thread's budget is spent.</summary>
    public static void Check()
    {
        var deadline = t_deadline;
        if (deadline != 0 && Stopwatch.GetTimestamp() > deadline)
        {
            throw Exceeded();
        }
    }

    private static ScanLimitExceededException Exceeded()
        => new(
            ScanLimit.Time,
            string.Format(CultureInfo.InvariantCulture, "the scan stopped after the time limit of {0} (ScanOptions.MaxScanTime); the rest of the file was not verified", Describe(t_limit)));

    private static string Describe(TimeSpan limit)
        => limit.TotalSeconds >= 1 && limit.TotalSeconds == Math.Floor(limit.TotalSeconds)
            ? string.Format(CultureInfo.InvariantCulture, limit.TotalSeconds == 1 ? "{0:0} second" : "{0:0} seconds", limit.TotalSeconds)
            : string.Format(CultureInfo.InvariantCulture, "{0:0} ms", limit.TotalMilliseconds);

    /// <summary>Restores the enclosing budget when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly long _previousDeadline;
        private readonly TimeSpan _previousLimit;

        internal Scope(long previousDeadline, TimeSpan previousLimit)
        {
            _previousDeadline = previousDeadline;
            _previousLimit = previousLimit;
        }

        public void Dispose()
        {
            t_deadline = _previousDeadline;
            t_limit = _previousLimit;
        }
    }
}
