using System;
using System.Collections.Generic;

namespace ModelGuard.Engine.Scanning;

/// <summary>Recognises the layout torch.jit.save writes: <c>&lt;name&gt;/code/...</c> next to <c>&lt;name&gt;/constants.pkl</c>.</summary>
internal static class TorchScriptArchive
{
    public static (string Folder, int Files)? Detect(IEnumerable<Formats.Zip.ZipEntry> entries)
    {
        string? folder = null;
        var files = 0;
        var constants = false;
        foreach (var entry in entries)
        {
            var name = entry.Name;
            constants |= name.EndsWith("constants.pkl", StringComparison.Ordinal);
            var code = name.IndexOf("code/", StringComparison.Ordinal);
            if ((code == 0 || (code > 0 && name[code - 1] == '/')) && name.EndsWith(".py", StringComparison.Ordinal))
            {
                folder ??= name.Substring(0, code + "code/".Length);
                files++;
            }
        }

        return constants && folder is not null ? (folder, files) : null;
    }
}
