using System;

namespace ModelGuard.Hosting.Caching;

/// <summary>
/// The one rule both caches follow: a file written (or its inode changed) within two seconds of when it is read is not cached.
/// A coarse file system clock (FAT: 2 s, some network shares: 1 s) could hide a rewrite of the same size within the same tick,
/// and a write may still be in flight.
/// </summary>
internal static class RacyWindow
{
    public static readonly TimeSpan Length = TimeSpan.FromSeconds(2);

    /// <summary>True when <paramref name="changedTicksUtc"/> lies within the window before (or after) <paramref name="readStartUtc"/>.</summary>
    public static bool Contains(long changedTicksUtc, DateTime readStartUtc) => readStartUtc - new DateTime(changedTicksUtc, DateTimeKind.Utc) <= Length;
}
