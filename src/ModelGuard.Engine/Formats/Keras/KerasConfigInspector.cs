using System;
using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Formats.Json;
using ModelGuard.Engine.Policy;

namespace ModelGuard.Engine.Formats.Keras;

/// <summary>
/// Walks a Keras model configuration (a Keras v3 archive's <c>config.json</c>) token by token, never building the tree, and
/// collects what the loader would turn into code: Lambda bytecode and functions or classes imported by module name.
/// </summary>
internal static class KerasConfigInspector
{
    /// <summary>Keras' own modules; any other module a config names is imported by the loader (a custom object).</summary>
    private const string KerasModulePrefix = "keras";

    private const int MaxKeptText = 256;

    private static readonly string[] Watched = { "class_name", "module", "config", "function_type" };

    /// <summary>Inspects <paramref name="length"/> bytes of JSON from <paramref name="content"/>.</summary>
    /// <exception cref="JsonReaderException">The configuration is not valid JSON.</exception>
    public static KerasConfigReport Inspect(Stream content, long length)
    {
        var report = new KerasConfigReport();
        var frames = new Stack<Frame>();
        string? pendingName = null;
        using var reader = new JsonReader(content, length);
        while (reader.Read())
        {
            switch (reader.TokenKind)
            {
                case JsonTokenKind.PropertyName:
                    pendingName = reader.GetString(MaxKeptText, Watched);
                    continue;

                case JsonTokenKind.StartObject:
                    frames.Push(new Frame(reader.TokenOffset));
                    break;

                case JsonTokenKind.EndObject:
                    Evaluate(frames.Pop(), report);
                    break;

                case JsonTokenKind.String when pendingName is not null && frames.Count > 0:
                    frames.Peek().Set(pendingName, reader.GetString(MaxKeptText));
                    break;
            }

            pendingName = null;
        }

        return report;
    }

    private static void Evaluate(Frame frame, KerasConfigReport report)
    {
        if (frame.ClassName == "__lambda__" || frame.FunctionType == "lambda")
        {
            report.Code.Add(new KerasCodeSite(frame.Offset, "a Lambda layer carries marshalled Python bytecode that Keras runs when the model is loaded without safe mode"));
            return;
        }

        if (frame.Module is not { } module || module.StartsWith(KerasModulePrefix, StringComparison.Ordinal))
        {
            return;
        }

        // A function is serialized as {"module": m, "class_name": "function", "config": name}; anything else names a class.
        var name = frame.ClassName == "function" ? frame.Config : frame.ClassName;
        if (name is null)
        {
            return;
        }

        var verdict = GlobalPolicy.Classify(module, name);
        if (verdict.Kind == GlobalVerdictKind.Dangerous)
        {
            report.Code.Add(new KerasCodeSite(frame.Offset, $"the configuration imports {module}.{name}, which {verdict.Danger}; Keras imports and calls it when the model is loaded"));
        }
        else if (report.CustomObjects.Count < KerasConfigReport.MaxCustomObjects)
        {
            report.CustomObjects.Add(module + "." + name);
        }
    }

    private sealed class Frame
    {
        public Frame(long offset) => Offset = offset;

        public long Offset { get; }

        public string? ClassName { get; private set; }

        public string? Module { get; private set; }

        public string? Config { get; private set; }

        public string? FunctionType { get; private set; }

        public void Set(string name, string value)
        {
            switch (name)
            {
                case "class_name": ClassName = value; break;
                case "module": Module = value; break;
                case "config": Config = value; break;
                case "function_type": FunctionType = value; break;
            }
        }
    }
}

/// <summary>What a Keras configuration would run or import when loaded.</summary>
internal sealed class KerasConfigReport
{
    public const int MaxCustomObjects = 8;

    /// <summary>Places that carry or import code (MG3031).</summary>
    public List<KerasCodeSite> Code { get; } = new();

    /// <summary>Custom objects (module.name) outside Keras that the loader imports; at most <see cref="MaxCustomObjects"/>.</summary>
    public SortedSet<string> CustomObjects { get; } = new(StringComparer.Ordinal);
}

/// <summary>One object of a Keras configuration that carries or imports code.</summary>
internal readonly struct KerasCodeSite
{
    public KerasCodeSite(long offset, string message)
    {
        Offset = offset;
        Message = message;
    }

    public long Offset { get; }

    public string Message { get; }
}
