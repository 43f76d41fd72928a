using System;
using System.IO;

namespace ModelGuard.TestSupport;

/// <summary>
/// Finds the shared peer test corpora (<c>&lt;root&gt;/shared/peer-corpora</c>, next to the repository at <c>&lt;root&gt;/main</c>)
/// by walking up from the test binaries. A missing folder is an error, never a silent skip.
/// </summary>
public static class PeerCorpora
{
    public static string Root
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "peer-corpora");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException(
                $"No 'shared/peer-corpora' folder in any parent of {AppContext.BaseDirectory}; the peer corpora must sit next to the repository (<root>/main and <root>/shared).");
        }
    }

    /// <summary>The folder of one corpus, e.g. <c>picklescan</c>; throws when it is missing.</summary>
    public static string Directory(string corpus)
    {
        var path = Path.Combine(Root, corpus);
        if (!System.IO.Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"The peer corpus folder {path} is missing.");
        }

        return path;
    }

    /// <summary>The path of one file in a corpus; throws when it is missing.</summary>
    public static string File(string corpus, string name)
    {
        var path = Path.Combine(Directory(corpus), name);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"The peer corpus file {path} is missing.", path);
        }

        return path;
    }
}
