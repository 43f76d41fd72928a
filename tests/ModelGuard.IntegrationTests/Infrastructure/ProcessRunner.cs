using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>The outcome of a child process: exit code and stdout and stderr interleaved as they arrived.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output)
{
    /// <summary>A description for assertion messages: the command, its exit code and everything it printed.</summary>
    public string Describe() => $"`{CommandLine}` exited with {ExitCode}. Output:\n{Output}";
}

/// <summary>Runs child processes (dotnet pack/build) without deadlocks, hangs or leaked MSBuild nodes.</summary>
internal static class ProcessRunner
{
    /// <summary>How long one pack or build may take before it is killed (with its whole process tree).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The dotnet host running these tests, so child builds use the same SDK installation.</summary>
    public static string DotnetPath { get; } = FindDotnet();

    /// <summary>
    /// Runs <paramref name="fileName"/> to completion. Output is read asynchronously (a full pipe can never block the child);
    /// on timeout the process tree is killed and a <see cref="TimeoutException"/> carries everything captured so far.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?>? environment = null,
        TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // The test host may run inside `dotnet test`, whose MSBuild leaves variables behind (MSBuildExtensionsPath,
        // MSBUILD_EXE_PATH, MSBuildSDKsPath, ...) that would make the child build borrow the parent's MSBuild state.
        foreach (var key in new List<string>(KeysOf(startInfo.Environment)))
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("_MSBuild", StringComparison.OrdinalIgnoreCase))
            {
                startInfo.Environment.Remove(key);
            }
        }

        startInfo.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        startInfo.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                startInfo.Environment[key] = value;
            }
        }

        var commandLine = fileName + " " + string.Join(" ", arguments);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);

        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start `{commandLine}`.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited on its own in the meantime.
            }

            process.WaitForExit();
            throw new TimeoutException($"`{commandLine}` did not finish within {timeout ?? DefaultTimeout} and was killed. Output so far:\n{Snapshot(output)}");
        }

        // Drain the asynchronous readers: the parameterless overload waits for end-of-stream on both pipes.
        process.WaitForExit();
        return new ProcessResult(commandLine, process.ExitCode, Snapshot(output));
    }

    private static IEnumerable<string> KeysOf(IDictionary<string, string?> environment)
    {
        foreach (var key in environment.Keys)
        {
            yield return key;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Append(line).Append('\n');
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static string FindDotnet()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        var fromHost = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(fromHost) && File.Exists(fromHost))
        {
            return fromHost;
        }

        // <dotnet root>/shared/Microsoft.NETCore.App/<version>/ is where the running runtime lives.
        var runtimeDir = RuntimeEnvironment.GetRuntimeDirectory();
        var root = Directory.GetParent(runtimeDir.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar))?.Parent?.Parent?.FullName;
        if (root is not null && File.Exists(Path.Combine(root, exe)))
        {
            return Path.Combine(root, exe);
        }

        return exe;
    }
}
