using System;
using System.IO;
using System.Threading;
using ModelGuard.Engine.Integrity;

namespace ModelGuard.Hosting.Integrity;

/// <summary>
/// Reads and replaces a lock file on disk. Replacing is atomic (a temporary file in the same folder renamed over the old one),
/// so a build reading the file while another writes it (the inner builds of a multi-targeted project run in parallel) sees
/// either version whole, never a torn one.
/// </summary>
public static class ModelLockFileStore
{
    private const int Attempts = 10;

    /// <summary>The lock at <paramref name="path"/>, null when there is no such file.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    public static ModelLockReadResult? Read(string path)
    {
        byte[] content;
        try
        {
            content = WithRetries(() => File.ReadAllBytes(path));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        return ModelLockFileReader.Read(content);
    }

    /// <summary>Writes <paramref name="lockFile"/> to <paramref name="path"/>, replacing what is there in one step.</summary>
    public static void Write(string path, ModelLockFile lockFile)
    {
        var bytes = ModelLockFileWriter.WriteUtf8(lockFile);
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        try
        {
            File.WriteAllBytes(temporary, bytes);
            WithRetries(() =>
            {
                if (File.Exists(full))
                {
                    File.Replace(temporary, full, null, ignoreMetadataErrors: true);
                }
                else
                {
                    File.Move(temporary, full);
                }

                return true;
            });
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    /// <summary>Another build may hold the file for a moment (Windows sharing rules); try again before giving up.</summary>
    private static T WithRetries<T>(Func<T> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return action();
            }
            catch (IOException ex) when (attempt < Attempts && ex is not FileNotFoundException and not DirectoryNotFoundException)
            {
                Thread.Sleep(20 * attempt);
            }
            catch (UnauthorizedAccessException) when (attempt < Attempts)
            {
                Thread.Sleep(20 * attempt);
            }
        }
    }
}
