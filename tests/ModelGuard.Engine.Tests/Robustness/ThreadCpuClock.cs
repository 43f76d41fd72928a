using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace ModelGuard.Engine.Tests.Robustness;

/// <summary>
/// CPU time of the calling thread, so time bounds measure the work a scan did, not how busy the machine was: the test run scans
/// while other test assemblies build projects and a fuzzing campaign keeps both cores busy. Linux only (clock_gettime with
/// CLOCK_THREAD_CPUTIME_ID); elsewhere it falls back to wall-clock time, which can only be stricter.
/// </summary>
internal static class ThreadCpuClock
{
    private const int ClockThreadCpuTimeId = 3;

    private static readonly bool Available = OperatingSystem.IsLinux() && Environment.Is64BitProcess && TryRead(out _);

    /// <summary>True when <see cref="Measurement.Elapsed"/> is thread CPU time (Linux).</summary>
    public static bool MeasuresCpu => Available;

    /// <summary>Starts a measurement; <see cref="Elapsed"/> of the returned value is the calling thread's CPU time since.</summary>
    public static Measurement Start() => new(Available ? Read() : TimeSpan.Zero, Stopwatch.StartNew());

    private static TimeSpan Read() => TryRead(out var value) ? value : TimeSpan.Zero;

    private static bool TryRead(out TimeSpan value)
    {
        value = TimeSpan.Zero;
        try
        {
            if (ClockGetTime(ClockThreadCpuTimeId, out var spec) != 0)
            {
                return false;
            }

            value = TimeSpan.FromTicks((spec.Seconds * TimeSpan.TicksPerSecond) + (spec.Nanoseconds / 100));
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clock, out TimeSpec value);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    public readonly struct Measurement
    {
        private readonly TimeSpan _startCpu;
        private readonly Stopwatch _wall;

        internal Measurement(TimeSpan startCpu, Stopwatch wall)
        {
            _startCpu = startCpu;
            _wall = wall;
        }

        /// <summary>CPU time of this thread since the start (wall-clock time where thread CPU time is not available).</summary>
        public TimeSpan Elapsed => Available ? Read() - _startCpu : _wall.Elapsed;

        /// <summary>Wall-clock time since the start.</summary>
        public TimeSpan Wall => _wall.Elapsed;
    }
}
