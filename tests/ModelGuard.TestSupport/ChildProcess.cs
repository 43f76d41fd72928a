using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;
using System.Threading.Tasks;

namespace ModelGuard.TestSupport;

/// <summary>The outcome of a child process.</summary>
public sealed record ChildResult(string CommandLine, int ExitCode, string Output, bool TimedOut, TimeSpan Elapsed)
{
    public string Describe() => $"`{CommandLine}` {(TimedOut ? "timed out" : $"exited with {ExitCode}")} after {Elapsed.TotalSeconds:0.0} s. Output:\n{Output}";
}

/// <summary>Runs a child process to completion with its output captured, killing its whole tree at a deadline.</summary>
public static class ChildProcess
{
    public static string Dotnet { get; } = Environment.ProcessPath is { } host && host.EndsWith("dotnet", StringComparison.Ordinal) ? host : "dotnet";

    public static async Task<ChildResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        string workingDirectory,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        int maxOutputChars = 200_000)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in new List<string>(info.Environment.Keys))
        {
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("_MSBuild", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(key);
            }
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var output = new StringBuilder();
        void Append(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                if (output.Length < maxOutputChars)
                {
                    output.AppendLine(line);
                }
            }
        }

        var commandLine = fileName + " " + string.Join(" ", info.ArgumentList);
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var exited = process.WaitForExitAsync();
        var timedOut = await Task.WhenAny(exited, Task.Delay(timeout)).ConfigureAwait(false) != exited;
        if (timedOut)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }
        else
        {
            await exited.ConfigureAwait(false);
        }

        process.WaitForExit();
        lock (output)
        {
            return new ChildResult(commandLine, timedOut ? -1 : process.ExitCode, output.ToString(), timedOut, stopwatch.Elapsed);
        }
    }
}
