using System;
using System.Collections.Generic;
using System.IO;

namespace ModelGuard.Fuzzing;

/// <summary>
/// One parser under fuzzing: <see cref="Run"/> feeds it an input and lets any exception the parser does not document escape
/// (SharpFuzz reports it to AFL++ as a crash); <see cref="IsSeed"/> picks the test fixtures that seed its corpus.
/// </summary>
internal sealed class FuzzTarget
{
    public FuzzTarget(string name, string description, Action<byte[]> run, Func<string, bool> isSeed, Func<IEnumerable<(string Name, byte[] Content)>>? generatedSeeds = null)
    {
        Name = name;
        Description = description;
        Run = run;
        IsSeed = isSeed;
        GeneratedSeeds = generatedSeeds ?? (() => Array.Empty<(string, byte[])>());
    }

    /// <summary>The target's name on the command line and in the corpus folders.</summary>
    public string Name { get; }

    public string Description { get; }

    /// <summary>Runs the parser on one input.</summary>
    public Action<byte[]> Run { get; }

    /// <summary>Whether a fixture (path relative to its corpus root, '/'-separated) is a seed for this target.</summary>
    public Func<string, bool> IsSeed { get; }

    /// <summary>Seeds written by the TestSupport writers (shapes the fixtures lack).</summary>
    public Func<IEnumerable<(string Name, byte[] Content)>> GeneratedSeeds { get; }

    /// <summary>The file extension of a fixture path, lower case, with the dot.</summary>
    public static string Extension(string path) => Path.GetExtension(path).ToLowerInvariant();
}
