using System.IO;

namespace ModelGuard.Engine.Scanning;

/// <summary>Sniffs content and hands it to the reader for its format. Containers call back in for their members.</summary>
internal static class ContentDispatcher
{
    public static ContentFormat ScanSeekable(ScanContext context, Stream content, string? member, int depth)
    {
        // Filled in by the engine work (pickle and zip readers).
        return ContentFormat.Unknown;
    }
}
