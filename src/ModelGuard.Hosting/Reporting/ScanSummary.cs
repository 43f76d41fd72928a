using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ModelGuard.Engine.Scanning;
using ModelGuard.Hosting.Configuration;
using ModelGuard.Hosting.Scanning;

namespace ModelGuard.Hosting.Reporting;

/// <summary>
/// The one-line summary the build (at normal verbosity) and the command line print. Every file the project bundles or a folder
/// holds is looked at, but most are not models (an apphost, a JSON file, the SARIF log): the models, files whose content is a
/// format ModelGuard verifies or recognises, are counted apart, so "3 models" is never read as "3 models checked" when 2 were
/// icons.
/// </summary>
internal static class ScanSummary
{
    /// <summary>Whether the target's content is a model or model container format (verified, or only recognised and reported).</summary>
    public static bool IsModel(ScanTarget target) => !string.Equals(target.Format, nameof(ContentFormat.Unknown), StringComparison.Ordinal);

    /// <summary><c>ModelGuard: 3 model(s) in 6 file(s) looked at (1,234 bytes, 2 from cache): 1 error(s), … in 41 ms</c>; the cache count only when there is a cache.</summary>
    public static string Render(IReadOnlyCollection<ScanTarget> targets, IReadOnlyCollection<ReportedFinding> reported, long elapsedMs, bool withCache)
    {
        var bytes = targets.Sum(t => Math.Max(t.Length, 0));
        var cache = withCache ? string.Format(CultureInfo.InvariantCulture, ", {0} from cache", targets.Count(t => t.FromCache)) : string.Empty;
        return string.Format(
            CultureInfo.InvariantCulture,
            "ModelGuard: {0} model(s) in {1} file(s) looked at ({2:N0} bytes{3}): {4}",
            targets.Count(IsModel),
            targets.Count,
            bytes,
            cache,
            Outcome(reported, elapsedMs));
    }

    /// <summary>The tail every ModelGuard summary line ends with: <c>1 error(s), 0 warning(s), 2 message(s), 0 hidden or suppressed in 41 ms</c>.</summary>
    public static string Outcome(IReadOnlyCollection<ReportedFinding> reported, long elapsedMs)
    {
        int Count(ReportLevel level) => reported.Count(r => r.Decision.Level == level);
        return string.Format(
            CultureInfo.InvariantCulture,
            "{0} error(s), {1} warning(s), {2} message(s), {3} hidden or suppressed in {4} ms",
            Count(ReportLevel.Error),
            Count(ReportLevel.Warning),
            Count(ReportLevel.Info),
            Count(ReportLevel.Hidden) + Count(ReportLevel.Suppressed),
            elapsedMs);
    }
}
