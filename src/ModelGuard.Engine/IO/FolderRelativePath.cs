using System;

namespace ModelGuard.Engine.IO;

/// <summary>
/// Checks a path that a model file names relative to its own folder (safetensors index shards, ONNX external data, GenAI config
/// entries): the path must stay a plain relative path inside that folder on every operating system a .NET app runs on.
/// </summary>
internal static class FolderRelativePath
{
    private static readonly string[] DeviceNames = { "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$" };

    /// <summary>Why <paramref name="path"/> is not a plain relative path inside the folder, or null.</summary>
    public static string? UnsafeReason(string path)
    {
        if (path.Length == 0)
        {
            return "is empty";
        }

        foreach (var c in path)
        {
            if (char.IsControl(c))
            {
                return $"contains the control character U+{(int)c:X4}";
            }
        }

        if (path.IndexOf('\\') >= 0)
        {
            return "contains a backslash, which Windows treats as a folder separator";
        }

        if (path[0] == '/')
        {
            return "is an absolute path";
        }

        if (path.Length >= 2 && path[1] == ':' && ((path[0] >= 'A' && path[0] <= 'Z') || (path[0] >= 'a' && path[0] <= 'z')))
        {
            return "starts with a drive letter";
        }

        if (path.IndexOf(':') >= 0)
        {
            return "contains ':', which Windows reads as a drive or an alternate data stream";
        }

        foreach (var segment in path.Split('/'))
        {
            if (segment == "..")
            {
                return "contains a '..' segment";
            }
        }

        return null;
    }

    /// <summary>
    /// Like <see cref="UnsafeReason"/>, but names the specific kinds of escape first (UNC shares, Win32 device namespaces, device
    /// names, /proc and /dev), so a report says what the path would reach.
    /// </summary>
    public static string? UnsafeReasonByKind(string path)
    {
        if (path.StartsWith(@"\\?\", StringComparison.Ordinal) || path.StartsWith(@"\\.\", StringComparison.Ordinal)
            || path.StartsWith("//?/", StringComparison.Ordinal) || path.StartsWith("//./", StringComparison.Ordinal))
        {
            return "is a Win32 device or extended-length path (\\\\?\\ or \\\\.\\), which bypasses every normalization of the path";
        }

        if (path.StartsWith(@"\\", StringComparison.Ordinal) || path.StartsWith("//", StringComparison.Ordinal)
            || path.StartsWith(@"\/", StringComparison.Ordinal) || path.StartsWith(@"/\", StringComparison.Ordinal))
        {
            return "is a UNC path to a network share; on Windows opening it authenticates to that server with the user's credentials";
        }

        if (path.StartsWith("/proc/", StringComparison.Ordinal) || path.StartsWith("/dev/", StringComparison.Ordinal) || path.StartsWith("/sys/", StringComparison.Ordinal))
        {
            return "is a device or kernel path (/proc, /dev, /sys), which reads process memory, environment or devices";
        }

        foreach (var segment in path.Split('/', '\\'))
        {
            var stem = segment;
            var dot = stem.IndexOf('.');
            if (dot >= 0)
            {
                stem = stem.Substring(0, dot);
            }

            stem = stem.TrimEnd(' ');
            if (Array.Exists(DeviceNames, d => string.Equals(d, stem, StringComparison.OrdinalIgnoreCase))
                || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.OrdinalIgnoreCase) || stem.StartsWith("LPT", StringComparison.OrdinalIgnoreCase)) && stem[3] >= '0' && stem[3] <= '9'))
            {
                return $"names the Windows device '{segment}', which opens a device instead of a file";
            }
        }

        return UnsafeReason(path);
    }
}
