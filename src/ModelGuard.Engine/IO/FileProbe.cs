using System;
using System.Runtime.InteropServices;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Tells a FIFO or socket from a regular file before it is opened. Opening a FIFO for reading blocks until a writer opens
/// it, and .NET's file APIs report a FIFO like an empty regular file, so on Unix the path is opened once with O_NONBLOCK
/// (which returns at once for a FIFO) and asked whether it can seek: a pipe or socket cannot.
/// </summary>
internal static class FileProbe
{
    private const int SeekSet = 0;
    private const int ESPIPE = 29;

    /// <summary>True when <paramref name="path"/> is a FIFO or a socket; false for anything else and whenever it cannot tell.</summary>
    public static bool IsPipeOrSocket(string path)
    {
        var nonBlocking = NonBlockingFlag();
        if (nonBlocking == 0 || IntPtr.Size != 8)
        {
            return false;
        }

        try
        {
            var fd = Open(NullTerminatedUtf8(path), nonBlocking);
            if (fd < 0)
            {
                return false; // The real open reports why.
            }

            try
            {
                return Seek(fd, 0, SeekSet) < 0 && Marshal.GetLastWin32Error() == ESPIPE;
            }
            finally
            {
                _ = Close(fd);
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return false;
        }
    }

    /// <summary>O_NONBLOCK (with O_RDONLY, which is 0) on the platforms this knows; 0 elsewhere (Windows has no FIFOs in the file system).</summary>
    private static int NonBlockingFlag()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 or Architecture.X86 or Architecture.Arm ? 0x800 : 0;
        }

        return RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 0x4 : 0;
    }

    private static byte[] NullTerminatedUtf8(string path)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, 0, path.Length, bytes, 0);
        return bytes;
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static extern long Seek(int fd, long offset, int whence);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
