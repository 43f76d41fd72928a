using System;
using System.IO;
using ModelGuard.Engine.Formats.Numpy;
using ModelGuard.Engine.Rules;

namespace ModelGuard.Engine.Scanning;

/// <summary>
/// An .npy array (alone or as an .npz member): numeric data is skipped, but an object array's data is a pickle that
/// numpy.load(allow_pickle=True) unpickles, so it is scanned as one.
/// </summary>
internal static class NumpyContentScanner
{
    public static void Scan(ScanContext context, Stream content, string? member)
    {
        NpyHeader header;
        try
        {
            header = NpyHeader.Read(content);
        }
        catch (FormatException ex)
        {
            context.Report(RuleCatalog.UninspectableContent, member, 0, $"the .npy header cannot be read: {ex.Message}; whether its data is a pickle could not be verified");
            return;
        }

        if (header.HasObjects)
        {
            // The pickle starts right after the header; offsets in findings count from the start of the .npy content.
            PickleContentScanner.Scan(context, content, member, needsConfirmation: false, baseOffset: header.DataOffset);
        }
    }
}
