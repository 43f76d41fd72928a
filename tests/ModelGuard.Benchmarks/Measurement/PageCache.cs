using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelGuard.Benchmarks.Measurement;

/// <summary>Drops one file's pages from the OS page cache (posix_fadvise DONTNEED), so the next read comes from storage.</summary>
internal static partial class PageCache
{
    private const int PosixFadvDontNeed = 4;

    /// <summary>True when the cache was asked to drop the file (Linux); false elsewhere.</summary>
    public static bool Evict(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        return PosixFadvise(file.SafeFileHandle.DangerousGetHandle().ToInt32(), 0, 0, PosixFadvDontNeed) == 0;
    }

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);
}
