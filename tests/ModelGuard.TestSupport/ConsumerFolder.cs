using System.IO;

namespace ModelGuard.TestSupport;

/// <summary>
/// A folder for a project that consumes the locally packed ModelGuard package, cut off from everything around it: a
/// nuget.config with only the private feed (the SDK provides the targeting pack) and empty Directory.Build.* files that stop
/// MSBuild's upward search, so nothing above the temporary folder changes the build.
/// </summary>
public static class ConsumerFolder
{
    public static void Isolate(string directory, string feedName, string feed)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="{feedName}" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />\n");
    }
}
