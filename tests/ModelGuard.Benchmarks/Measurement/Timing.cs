using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;

namespace ModelGuard.Benchmarks.Measurement;

/// <summary>Wall-clock timing with interleaved repetitions, so two things compared see the same noise.</summary>
internal static class Timing
{
    /// <summary>Runs each action <paramref name="repetitions"/> times in turn (A B A B ...), after one untimed warm-up each; returns the median seconds of each.</summary>
    public static double[] Interleaved(int repetitions, params Action[] actions)
    {
        foreach (var action in actions)
        {
            action();
        }

        var samples = actions.Select(_ => new List<double>()).ToArray();
        for (var r = 0; r < repetitions; r++)
        {
            for (var i = 0; i < actions.Length; i++)
            {
                var watch = Stopwatch.StartNew();
                actions[i]();
                samples[i].Add(watch.Elapsed.TotalSeconds);
            }
        }

        return samples.Select(Median).ToArray();
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
