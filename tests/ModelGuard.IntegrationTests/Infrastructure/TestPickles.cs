using ModelGuard.TestSupport;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>Small pickles the configuration tests of the task and the CLI share.</summary>
internal static class TestPickles
{
    /// <summary>Imports mypkg.layers.Custom: on no allowlist, MG1002.</summary>
    public static readonly byte[] Custom = new PickleWriter().Proto(2).Global("mypkg.layers", "Custom").EmptyTuple().NewObj().Stop().ToArray();

    /// <summary>Calls os.system: MG1001.</summary>
    public static readonly byte[] Evil = new PickleWriter().Proto(2).CallWithString("os", "system", "echo pwned").Stop().ToArray();

    /// <summary>A string that runs past the end: MG1003.</summary>
    public static readonly byte[] Truncated = { 0x80, 0x02, (byte)'X', 0xff, 0xff, 0x00, 0x00, (byte)'a' };
}
