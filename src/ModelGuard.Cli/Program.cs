using System;

namespace ModelGuard.Cli;

internal static class Program
{
    private static int Main(string[] args)
    {
        try
        {
            return CommandLine.Run(args, Console.Out, Console.Error, stderrIsTerminal: !Console.IsErrorRedirected);
        }
#pragma warning disable CA1031 // Whatever escapes is exit code 3 with one line, never a stack trace a CI log must be searched for.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Console.Error.WriteLine($"modelguard: internal failure ({ex.GetType().Name}: {ex.Message}); the files were not verified");
            return ExitCodes.InternalFailure;
        }
    }
}
