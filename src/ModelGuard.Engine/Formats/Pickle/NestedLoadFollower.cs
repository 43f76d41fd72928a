using System.Text;

namespace ModelGuard.Engine.Formats.Pickle;

/// <summary>
/// Nested loads legitimate files contain: <c>pickle.dumps(tensor)</c> writes <c>torch.storage._load_from_bytes(b)</c>,
/// where <c>b</c> is a whole <c>torch.save</c> file. When <c>b</c> is literally in the pickle (BINBYTES, or protocol 2's
/// <c>_codecs.encode(str, "latin1")</c>) the bytes are scanned as a torch file with every rule instead of the loader being
/// reported as opaque; any other argument leaves the loader MG1001.
/// </summary>
internal static class NestedLoadFollower
{
    /// <summary>
    /// The most payload bytes one content keeps for nested loads. A nested file larger than this is not followed, and its
    /// loader stays MG1001 (fail closed): memory stays bounded whatever the file claims.
    /// </summary>
    public const long MaxCapturedBytes = 128L * 1024 * 1024;

    private const string LoaderModule = "torch.storage";
    private const string LoaderName = "_load_from_bytes";

    public static bool IsFollowedLoader(string module, string name) => module == LoaderModule && name == LoaderName;

    public static bool TryFollow(PickleImport callee, PickleValue args, long offset, out NestedLoad load)
    {
        load = null!;
        if (!IsFollowedLoader(callee.Module!, callee.Name!) || args is not TupleValue { Count: 1 } tuple || tuple[0] is not PayloadValue { IsText: false } bytes)
        {
            return false;
        }

        load = new NestedLoad(callee.Module + "." + callee.Name, offset, bytes.Offset, bytes.Data);
        return true;
    }

    /// <summary>
    /// <c>_codecs.encode(text, "latin1")</c> (how protocol 2 writes bytes) of a str the stream holds: the bytes it returns,
    /// so a nested load of them can be followed. False for anything else, including code points above U+00FF (the encode fails).
    /// </summary>
    public static bool TryEncodeLiteral(PickleImport callee, PickleValue args, out byte[] encoded)
    {
        encoded = null!;
        if (callee.Module != "_codecs" || callee.Name != "encode" || args is not TupleValue { Count: 2 } tuple
            || tuple[1] is not TextValue { Text: "latin1" or "latin-1" })
        {
            return false;
        }

        string text;
        switch (tuple[0])
        {
            case TextValue shortText:
                text = shortText.Text;
                break;
            case PayloadValue { IsText: true } longText:
                text = Encoding.UTF8.GetString(longText.Data);
                break;
            default:
                return false;
        }

        var result = new byte[text.Length];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] > 0xFF)
            {
                return false;
            }

            result[i] = (byte)text[i];
        }

        encoded = result;
        return true;
    }
}
