using System.Collections.Generic;
using System.IO;
using ModelGuard.Engine.Formats.Json;

namespace ModelGuard.Engine.Formats.HuggingFace;

/// <summary>
/// Finds the top-level <c>"auto_map"</c> entry of a Hugging Face configuration (config.json, tokenizer_config.json, ...):
/// with trust_remote_code=True, transformers imports the classes it names from the model repository's own Python files.
/// </summary>
internal static class AutoMapReader
{
    private const int MaxKeptText = 200;
    private const int MaxMappings = 4;

    /// <summary>The auto_map entry of the JSON object in <paramref name="content"/>, or null when it has none.</summary>
    /// <exception cref="JsonReaderException">The content is not valid JSON.</exception>
    public static AutoMap? Find(Stream content, long length)
    {
        using var reader = new JsonReader(content, length);
        if (!reader.Read() || reader.TokenKind != JsonTokenKind.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.TokenKind == JsonTokenKind.PropertyName)
        {
            var offset = reader.TokenOffset;
            if (reader.GetString(MaxKeptText) != "auto_map")
            {
                reader.Skip();
                continue;
            }

            return new AutoMap(offset, ReadMappings(reader));
        }

        return null;
    }

    /// <summary>"AutoModel to modeling_x.Custom" for the first few entries; the value may be a string or a list of them.</summary>
    private static List<string> ReadMappings(JsonReader reader)
    {
        var mappings = new List<string>();
        if (!reader.Read() || reader.TokenKind != JsonTokenKind.StartObject)
        {
            return mappings;
        }

        while (reader.Read() && reader.TokenKind == JsonTokenKind.PropertyName)
        {
            var auto = reader.GetString(MaxKeptText);
            if (mappings.Count >= MaxMappings || !reader.Read())
            {
                reader.Skip();
                continue;
            }

            if (reader.TokenKind == JsonTokenKind.String)
            {
                mappings.Add(auto + " to " + reader.GetString(MaxKeptText));
            }
            else if (reader.TokenKind == JsonTokenKind.StartArray)
            {
                var targets = new List<string>();
                while (reader.Read() && reader.TokenKind != JsonTokenKind.EndArray)
                {
                    if (reader.TokenKind == JsonTokenKind.String)
                    {
                        targets.Add(reader.GetString(MaxKeptText));
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                mappings.Add(auto + " to " + string.Join(" and ", targets));
            }
            else
            {
                reader.Skip();
            }
        }

        return mappings;
    }
}

/// <summary>A configuration's auto_map entry: where it is and what it maps.</summary>
internal sealed class AutoMap
{
    public AutoMap(long offset, IReadOnlyList<string> mappings)
    {
        Offset = offset;
        Mappings = mappings;
    }

    public long Offset { get; }

    public IReadOnlyList<string> Mappings { get; }
}
