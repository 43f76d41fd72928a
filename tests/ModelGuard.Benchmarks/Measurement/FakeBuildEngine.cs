using System.Collections;
using System.Collections.Generic;
using Microsoft.Build.Framework;

namespace ModelGuard.Benchmarks.Measurement;

/// <summary>An <see cref="IBuildEngine"/> that keeps what the task logs (thread-safe: the task logs from Parallel.ForEach).</summary>
internal sealed class FakeBuildEngine : IBuildEngine
{
    private readonly List<string> _messages = new();

    public int Errors { get; private set; }

    public int Warnings { get; private set; }

    public IReadOnlyList<string> Messages => _messages;

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "bench.csproj";

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public void LogErrorEvent(BuildErrorEventArgs e)
    {
        lock (_messages)
        {
            Errors++;
            _messages.Add("error " + e.Code + ": " + e.Message);
        }
    }

    public void LogMessageEvent(BuildMessageEventArgs e)
    {
        lock (_messages)
        {
            _messages.Add(e.Message ?? string.Empty);
        }
    }

    public void LogWarningEvent(BuildWarningEventArgs e)
    {
        lock (_messages)
        {
            Warnings++;
            _messages.Add("warning " + e.Code + ": " + e.Message);
        }
    }

    public void Clear()
    {
        lock (_messages)
        {
            _messages.Clear();
            Errors = 0;
            Warnings = 0;
        }
    }
}
