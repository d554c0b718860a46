using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Gateway.Api;

/// <summary>
/// How request bodies are read, on top of <see cref="JsonDefaults"/>: every string must be text
/// (<see cref="UnicodeText"/>) and no list in any object may hold a null. Both fail as a <see cref="JsonException"/>,
/// which the problem handler turns into a 400 naming the field by its path, so no handler ever sees such a value.
/// </summary>
public static class RequestJson
{
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new TextConverter());
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(RefuseNullItems);
        return options;
    }

    private sealed class TextConverter : JsonConverter<string>
    {
        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"must be a string, not {Name(reader.TokenType)}.");
            }
            var text = reader.GetString()!;
            return UnicodeText.Problem(text) is { } problem ? throw new JsonException(problem + ".") : text;
        }

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>After an object is read, each of its lists is checked: a null item is a hole no handler expects.</summary>
    private static void RefuseNullItems(JsonTypeInfo type)
    {
        var lists = type.Kind != JsonTypeInfoKind.Object ? [] : type.Properties
            .Where(p => p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType) && p.Get is not null)
            .ToArray();
        if (lists.Length == 0)
        {
            return;
        }
        type.OnDeserialized = value =>
        {
            foreach (var list in lists)
            {
                var index = 0;
                foreach (var item in list.Get!(value) as IEnumerable ?? Array.Empty<object>())
                {
                    if (item is null)
                    {
                        throw new JsonException($"'{list.Name}' holds null at index {index}; leave the item out instead.");
                    }
                    index++;
                }
            }
        };
    }

    private static string Name(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "true or false",
        _ => token.ToString().ToLowerInvariant(),
    };
}
