using System.Globalization;
using System.Text;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Integrity;

/// <summary>
/// Writes a lock file in the one layout reviews depend on: entries sorted by ordinal path, one entry per line (a swapped
/// model is a one-line diff), two-space indentation, LF line endings, a final newline, no byte order mark.
/// </summary>
public static class ModelLockFileWriter
{
    /// <summary>The text of <paramref name="lockFile"/>.</summary>
    public static string Write(ModelLockFile lockFile)
    {
        var text = new StringBuilder();
        text.Append("{\n  \"version\": ").Append(ModelLockFile.CurrentVersion.ToString(CultureInfo.InvariantCulture)).Append(",\n  \"models\": {");
        var first = true;
        foreach (var entry in lockFile.Entries)
        {
            text.Append(first ? "\n" : ",\n");
            first = false;
            text.Append("    ");
            AppendString(text, entry.Path);
            text.Append(": { \"sha256\": ");
            AppendString(text, entry.Sha256);
            text.Append(", \"size\": ").Append(entry.Size.ToString(CultureInfo.InvariantCulture)).Append(", \"format\": ");
            AppendString(text, entry.Format);
            if (entry.Source is { } source)
            {
                text.Append(", \"source\": ");
                AppendString(text, source);
            }

            text.Append(" }");
        }

        text.Append(first ? "}\n}\n" : "\n  }\n}\n");
        return text.ToString();
    }

    /// <summary>The UTF-8 bytes of <see cref="Write"/>.</summary>
    public static byte[] WriteUtf8(ModelLockFile lockFile) => new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(Write(lockFile));

    private static void AppendString(StringBuilder text, string value) => JsonText.AppendQuoted(text, value);
}
