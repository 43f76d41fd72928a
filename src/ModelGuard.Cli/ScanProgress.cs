using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Cli;

/// <summary>
/// One status line on standard error, rewritten in place at most ten times a second while files are scanned: files done of the
/// total, bytes, rate and the file just finished. Only used when standard error is a terminal (never in a redirected CI log).
/// </summary>
internal sealed class ScanProgress : IDisposable
{
    private static readonly long IntervalTicks = Stopwatch.Frequency / 10;

    private readonly TextWriter _stderr;
    private readonly int _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly object _gate = new();
    private int _done;
    private long _bytes;
    private long _lastDrawTicks = long.MinValue;
    private int _lastWidth;

    public ScanProgress(TextWriter stderr, IReadOnlyCollection<ScanTarget> targets)
    {
        _stderr = stderr;
        _total = targets.Count;
    }

    /// <summary>Called from any scanning thread after a file is done.</summary>
    public void Scanned(ScanTarget target)
    {
        lock (_gate)
        {
            _done++;
            _bytes += Math.Max(target.Length, 0);
            var now = _clock.ElapsedTicks;
            if (now - _lastDrawTicks < IntervalTicks && _done < _total)
            {
                return;
            }

            _lastDrawTicks = now;
            var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var line = string.Format(
                CultureInfo.InvariantCulture,
                "{0}/{1} files, {2}, {3}/s  {4}",
                _done,
                _total,
                Size(_bytes),
                Size((long)(_bytes / seconds)),
                target.DisplayPath);
            var width = Width() - 1;
            if (line.Length > width)
            {
                line = line.Substring(0, Math.Max(width, 0));
            }

            _stderr.Write("\r" + line.PadRight(_lastWidth));
            _lastWidth = line.Length;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_lastWidth > 0)
            {
                _stderr.Write("\r" + new string(' ', _lastWidth) + "\r");
                _lastWidth = 0;
            }
        }
    }

    private static int Width()
    {
        try
        {
            return Console.WindowWidth > 20 ? Console.WindowWidth : 80;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }

    private static string Size(long bytes)
    {
        string[] units = { "B", "KB", "MB", "GB", "TB" };
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString(unit == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }
}
