using System;
using System.Diagnostics;
using System.IO;
using ModelGuard.Benchmarks.Measurement;
using ModelGuard.Engine.Integrity;

namespace ModelGuard.Benchmarks;

/// <summary>
/// (h) Pinning a model costs one full read: the lock file's SHA-256 must run at the machine's hashing speed, measured against
/// coreutils' sha256sum on the same 2 GiB file in the same run (both from the page cache, so the comparison is of hashing,
/// not of the disk).
/// </summary>
internal sealed partial class Checks
{
    private void Hashing()
    {
        var path = _inputs.Checkpoint;
        var size = new FileInfo(path).Length;
        var expected = Sha256Sum(path);
        var ours = FileHasher.HashFile(path).Sha256;
        if (ours != expected)
        {
            throw new InvalidOperationException($"FileHasher gives {ours} for {path} but sha256sum gives {expected}");
        }

        var times = Timing.Interleaved(_options.Repetitions, () => Sha256Sum(path), () => FileHasher.HashFile(path));
        var ratio = times[0] / times[1];
        Raw($"h {Path.GetFileName(path)}: {size:N0} bytes; sha256sum {times[0] * 1000:F0} ms ({Mbps(size, times[0])}), FileHasher {times[1] * 1000:F0} ms ({Mbps(size, times[1])}); throughput {ratio:P0} of sha256sum");
        _rows.Add(new CheckRow("h", $"SHA-256 of {Mib(size)} for models.lock.json: throughput vs sha256sum", $"{ratio:P0} ({Mbps(size, times[1])} vs {Mbps(size, times[0])})", ">= 90%", ratio >= 0.90));

        // Information: coreutils' sha256sum may not use the CPU's SHA instructions; OpenSSL's command line does, like .NET.
        var openssl = Timing.Interleaved(3, () => Run("openssl", "dgst", "-sha256", path), () => FileHasher.HashFile(path));
        var opensslRatio = openssl[0] / openssl[1];
        Raw($"h openssl dgst -sha256 {openssl[0] * 1000:F0} ms ({Mbps(size, openssl[0])}), FileHasher {openssl[1] * 1000:F0} ms ({Mbps(size, openssl[1])}); throughput {opensslRatio:P0} of openssl");
        _rows.Add(new CheckRow("h", $"SHA-256 of {Mib(size)}: throughput vs openssl dgst -sha256", $"{opensslRatio:P0} ({Mbps(size, openssl[1])} vs {Mbps(size, openssl[0])})", "(info)", null));
    }

    private static string Sha256Sum(string path) => Run("sha256sum", path).Split(' ')[0];

    private static string Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException(program + " could not be started");
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output;
    }
}
