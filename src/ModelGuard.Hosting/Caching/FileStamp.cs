using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace ModelGuard.Hosting.Caching;

/// <summary>
/// What a file looks like on disk without reading it: size, last write time and, where the OS gives it, its identity (device and
/// inode, or volume and file ID) and its change time. The change time is what makes a stamp trustworthy: <c>touch -r</c> or
/// <c>File.SetLastWriteTimeUtc</c> can put a rewritten file's write time back, but every write and every time change moves the
/// change time forward, and no user call sets it. Without an identity (platforms this code cannot stat, see
/// <see cref="HasIdentity"/>) a stamp vouches for nothing: callers read the file.
/// </summary>
internal readonly struct FileStamp : IEquatable<FileStamp>
{
    private const int StatxBufferSize = 256;
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const long UnixEpochTicks = 621355968000000000L;

    public FileStamp(long length, long lastWriteTicksUtc, ulong device, ulong fileId, ulong fileIdHigh, long changeTicksUtc, bool hasIdentity)
    {
        Length = length;
        LastWriteTicksUtc = lastWriteTicksUtc;
        Device = device;
        FileId = fileId;
        FileIdHigh = fileIdHigh;
        ChangeTicksUtc = changeTicksUtc;
        HasIdentity = hasIdentity;
    }

    public long Length { get; }

    public long LastWriteTicksUtc { get; }

    /// <summary>Device (Linux: major &lt;&lt; 32 | minor) or volume serial number (Windows).</summary>
    public ulong Device { get; }

    /// <summary>Inode number (Linux) or the low half of the 128-bit file ID (Windows).</summary>
    public ulong FileId { get; }

    /// <summary>The high half of a 128-bit Windows file ID; 0 elsewhere.</summary>
    public ulong FileIdHigh { get; }

    /// <summary>The inode change time (Linux ctime, Windows ChangeTime) as UTC ticks.</summary>
    public long ChangeTicksUtc { get; }

    /// <summary>True when <see cref="Device"/>, <see cref="FileId"/> and <see cref="ChangeTicksUtc"/> came from the OS.</summary>
    public bool HasIdentity { get; }

    /// <summary>The stamp of the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file does not exist or cannot be examined.</exception>
    public static FileStamp Of(string path)
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && TryStatx(path, out var linux))
        {
            return linux;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && TryWindows(path, out var windows))
        {
            return windows;
        }

        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("the file does not exist", path);
        }

        return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks, 0, 0, 0, 0, hasIdentity: false);
    }

    public bool Equals(FileStamp other)
        => Length == other.Length && LastWriteTicksUtc == other.LastWriteTicksUtc && Device == other.Device && FileId == other.FileId
           && FileIdHigh == other.FileIdHigh && ChangeTicksUtc == other.ChangeTicksUtc && HasIdentity == other.HasIdentity;

    /// <summary>True when both have the same identity and change time, or neither has an identity.</summary>
    public bool SameIdentity(FileStamp other)
        => HasIdentity == other.HasIdentity && Device == other.Device && FileId == other.FileId && FileIdHigh == other.FileIdHigh && ChangeTicksUtc == other.ChangeTicksUtc;

    public override bool Equals(object? obj) => obj is FileStamp other && Equals(other);

    public override int GetHashCode() => unchecked((int)FileId ^ (int)(ChangeTicksUtc >> 3) ^ (int)Length);

    public void Write(BinaryWriter writer)
    {
        writer.Write(Length);
        writer.Write(LastWriteTicksUtc);
        writer.Write(Device);
        writer.Write(FileId);
        writer.Write(FileIdHigh);
        writer.Write(ChangeTicksUtc);
        writer.Write(HasIdentity);
    }

    public static FileStamp Read(BinaryReader reader)
        => new(reader.ReadInt64(), reader.ReadInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadInt64(), reader.ReadBoolean());

    /// <summary>
    /// glibc's statx (2.28 and later; the kernel's since 4.11). Its struct has the same layout on every architecture, unlike
    /// struct stat, which is why it is used rather than stat. False when it is missing (older glibc, musl without it).
    /// </summary>
    private static bool TryStatx(string path, out FileStamp stamp)
    {
        stamp = default;
        var buffer = new byte[StatxBufferSize];
        int result;
        try
        {
            result = Statx(AtFdCwd, path, 0, StatxBasicStats, buffer);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return false;
        }

        if (result != 0)
        {
            var errno = Marshal.GetLastWin32Error();

            // ENOSYS (a kernel without statx, a seccomp filter) and EPERM (some container runtimes): fall back. Anything
            // else (ENOENT, EACCES) is the file's problem and is reported as such.
            if (errno is 38 or 1)
            {
                return false;
            }

            throw errno == 2
                ? new FileNotFoundException("the file does not exist", path)
                : new IOException($"the file cannot be examined (errno {errno})");
        }

        var inode = BitConverter.ToUInt64(buffer, 32);
        var size = BitConverter.ToInt64(buffer, 40);
        var ctime = Ticks(buffer, 96);
        var mtime = Ticks(buffer, 112);
        var device = ((ulong)BitConverter.ToUInt32(buffer, 136) << 32) | BitConverter.ToUInt32(buffer, 140);
        stamp = new FileStamp(size, mtime, device, inode, 0, ctime, hasIdentity: true);
        return true;
    }

    /// <summary>A statx_timestamp (int64 seconds, uint32 nanoseconds) as UTC ticks (100 ns, so two changes within 100 ns look alike).</summary>
    private static long Ticks(byte[] buffer, int offset)
        => UnixEpochTicks + (BitConverter.ToInt64(buffer, offset) * TimeSpan.TicksPerSecond) + (BitConverter.ToUInt32(buffer, offset + 8) / 100);

    /// <summary>Windows: FILE_BASIC_INFO (write and change times), FILE_ID_INFO (volume and 128-bit file ID), the handle's length.</summary>
    private static bool TryWindows(string path, out FileStamp stamp)
    {
        stamp = default;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
        var basic = new byte[40];
        var id = new byte[24];
        try
        {
            if (!GetFileInformationByHandleEx(stream.SafeFileHandle, 0, basic, basic.Length) || !GetFileInformationByHandleEx(stream.SafeFileHandle, 0x12, id, id.Length))
            {
                return false;
            }
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            return false;
        }

        var lastWrite = DateTime.FromFileTimeUtc(BitConverter.ToInt64(basic, 16)).Ticks;
        var change = DateTime.FromFileTimeUtc(BitConverter.ToInt64(basic, 24)).Ticks;
        stamp = new FileStamp(stream.Length, lastWrite, BitConverter.ToUInt64(id, 0), BitConverter.ToUInt64(id, 8), BitConverter.ToUInt64(id, 16), change, hasIdentity: true);
        return true;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false, ThrowOnUnmappableChar = true)]
    private static extern int Statx(int directoryFd, string path, int flags, uint mask, byte[] buffer);

    [DllImport("kernel32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static extern bool GetFileInformationByHandleEx(SafeFileHandle handle, int informationClass, byte[] buffer, int bufferSize);
}
