using System;
using Microsoft.ML.OnnxRuntime;

namespace ModelGuard.OnnxRuntimeProbe;

/// <summary>
/// <c>ModelGuard.OnnxRuntimeProbe &lt;model&gt;</c>: prints "loaded" and exits 0 when ONNX Runtime opens the model in an
/// InferenceSession, prints "refused: message" and exits 1 when it throws. Anything else (a signal, another code) is a crash.
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Length != 1)
        {
            Console.Error.WriteLine("usage: ModelGuard.OnnxRuntimeProbe <model.onnx>");
            return 2;
        }

        try
        {
            using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL };
            using var session = new InferenceSession(args[0], options);
            Console.WriteLine("loaded");
            return 0;
        }
        catch (OnnxRuntimeException ex)
        {
            Console.WriteLine("refused: " + ex.Message.Replace('\n', ' ').Replace('\r', ' '));
            return 1;
        }
    }
}
