using System.Collections.Generic;
using ModelGuard.Hosting.Configuration;

namespace ModelGuard.Cli;

/// <summary>The report formats of <c>modelguard scan</c>.</summary>
internal enum ReportFormat
{
    /// <summary><c>path : error MG1001: message [help link]</c>, MSBuild's shape.</summary>
    Text,

    /// <summary>The documented JSON report (docs/json-report.md).</summary>
    Json,

    /// <summary>SARIF 2.1.0, as the build writes with <c>ModelGuardErrorLog</c>.</summary>
    Sarif,

    /// <summary>GitHub Actions workflow commands (<c>::error file=…,title=MG1001::…</c>).</summary>
    GitHub,
}

/// <summary>What <c>modelguard scan</c> was asked to do (parsed by <see cref="ScanArguments"/>).</summary>
internal sealed class ScanSettings
{
    public List<string> Paths { get; } = new();

    public ReportFormat Format { get; set; } = ReportFormat.Text;

    public string? Output { get; set; }

    /// <summary>Where the SARIF report's relative URIs start (<c>--sarif-root</c>); null for the repository around the working directory.</summary>
    public string? SarifRoot { get; set; }

    /// <summary>Globals from <c>--allow</c> and the <c>--allowlist</c> files, with where each was written (checked for MG9006/MG9007).</summary>
    public List<AllowlistEntrySource> AllowedGlobals { get; } = new();

    /// <summary>Allowlist profiles (<c>--allow-profile</c>), like the build's <c>@(ModelGuardAllowProfile)</c>.</summary>
    public List<string> AllowProfiles { get; } = new();

    /// <summary>Native custom-op libraries an ONNX Runtime GenAI config may load (<c>--allow-native-library</c>), like the build's <c>@(ModelGuardAllowedNativeLibrary)</c>.</summary>
    public List<string> AllowedNativeLibraries { get; } = new();

    /// <summary>Extra .editorconfig or global config files (<c>--config</c>), like the build's <c>@(EditorConfigFiles)</c>.</summary>
    public List<string> ConfigFiles { get; } = new();

    public List<string> NoWarn { get; } = new();

    public List<string> WarningsAsErrors { get; } = new();

    public List<string> WarningsNotAsErrors { get; } = new();

    public bool TreatWarningsAsErrors { get; set; }

    public string? MaxScanTime { get; set; }

    public string? HelpLinkBase { get; set; }

    /// <summary>The lowest level that fails the run (exit code 1).</summary>
    public FailLevel FailOn { get; set; } = FailLevel.Error;

    public bool Quiet { get; set; }
}

/// <summary><c>--fail-on</c>.</summary>
internal enum FailLevel
{
    Note,
    Warning,
    Error,
}
