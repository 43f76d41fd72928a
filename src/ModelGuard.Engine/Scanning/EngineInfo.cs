using System.Reflection;

namespace ModelGuard.Engine.Scanning;

/// <summary>Identifies the engine build, so caches of verdicts are dropped when the engine changes.</summary>
public static class EngineInfo
{
    /// <summary>The informational version of the engine assembly (includes the commit when built from source control).</summary>
    public static string Version { get; } =
        typeof(EngineInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(EngineInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
