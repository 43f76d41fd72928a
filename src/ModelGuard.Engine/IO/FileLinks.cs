using System;
using System.IO;
using System.Runtime.InteropServices;

namespace ModelGuard.Engine.IO;

/// <summary>
/// What netstandard2.0 cannot ask the file system: where a path really leads once every symbolic link is resolved, and how many
/// hard links a file has. Answers null where the platform call is not known (then callers fall back to reparse-point attributes).
/// </summary>
internal static class FileLinks
{
    /// <summary>The path with every symbolic link and '..' resolved (realpath(3)), or null when it does not exist or cannot be asked.</summary>
    public static string? RealPath(string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return null;
        }

        try
        {
            var resolved = NativeRealPath(path, IntPtr.Zero);
            if (resolved == IntPtr.Zero)
            {
                return null;
            }

            try
            {
                return Marshal.PtrToStringAnsi(resolved);
            }
            finally
            {
                Free(resolved);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return null;
        }
    }

    /// <summary>The number of hard links of <paramref name="path"/> (st_nlink), or null when the platform's stat layout is not known.</summary>
    public static long? HardLinkCount(string path)
    {
        int offset;
        int size;
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            (offset, size) = (16, 8); // st_dev, st_ino, then a 64-bit st_nlink (x86_64 struct stat)
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            (offset, size) = (20, 4); // the generic layout: st_dev, st_ino, st_mode, then a 32-bit st_nlink
        }
        else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            (offset, size) = (6, 2); // 64-bit-inode struct stat: st_dev, st_mode, then a 16-bit st_nlink
        }
        else
        {
            return null;
        }

        var buffer = new byte[512];
        try
        {
            if (Stat(path, buffer) != 0)
            {
                return null;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return null;
        }

        return size switch
        {
            8 => BitConverter.ToInt64(buffer, offset),
            4 => BitConverter.ToUInt32(buffer, offset),
            _ => BitConverter.ToUInt16(buffer, offset),
        };
    }

    /// <summary>True when <paramref name="path"/> itself is a symbolic link (or another reparse point on Windows).</summary>
    public static bool IsLink(string path)
    {
        try
        {
            return (File.GetAttributes(path) & FileAttributes.ReparsePoint) != 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "realpath", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern IntPtr NativeRealPath(string path, IntPtr resolved);

    [DllImport("libc", EntryPoint = "free")]
    private static extern void Free(IntPtr pointer);

    [DllImport("libc", EntryPoint = "stat", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Stat(string path, byte[] buffer);
}
