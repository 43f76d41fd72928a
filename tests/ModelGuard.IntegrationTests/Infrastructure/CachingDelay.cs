using System;
using System.Threading;
using System.Threading.Tasks;

namespace ModelGuard.IntegrationTests.Infrastructure;

/// <summary>
/// A file whose write or change time lies within two seconds of a scan or hash is never cached, and writing a file or setting its
/// write time moves its change time to now: a test that needs a cached verdict or digest waits this long after the last write.
/// </summary>
internal static class CachingDelay
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2.2);

    public static Task WaitOutRacyWindowAsync() => Task.Delay(Wait);

    public static void WaitOutRacyWindow() => Thread.Sleep(Wait);
}
