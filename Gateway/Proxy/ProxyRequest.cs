using System.Text.Json;

namespace Gateway.Proxy;

/// <summary>
/// The parameters of a Mastodon request however the client sent them: a JSON body, a urlencoded or multipart form,
/// or the query. Mastodon (Rails) reads all of them alike, and clients differ (masto sends JSON, megalodon forms for
/// media); <c>media_ids[]</c> and <c>media_ids</c> are the same field.
/// </summary>
public sealed class ProxyRequest
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);

    public IFormFileCollection Files { get; private init; } = new FormFileCollection();

    public static async Task<ProxyRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var read = new ProxyRequest();
        foreach (var (key, values) in request.Query)
        {
            read.Add(key, values.Select(v => v ?? ""));
        }
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            foreach (var (key, values) in form)
            {
                read.Add(key, values.Select(v => v ?? ""));
            }
            return new ProxyRequest { Files = form.Files }.With(read);
        }
        if (request.ContentType?.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) == true)
        {
            using var json = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw ProblemException.BadRequest("The JSON body must be an object of parameters.");
            }
            foreach (var property in json.RootElement.EnumerateObject())
            {
                read.Add(property.Name, property.Value.ValueKind switch
                {
                    JsonValueKind.Array => property.Value.EnumerateArray().Select(Scalar),
                    JsonValueKind.Null => [],
                    _ => [Scalar(property.Value)],
                });
            }
        }
        return read;
    }

    /// <summary>The value of a single field, or null when absent or empty.</summary>
    public string? this[string name] => _values.GetValueOrDefault(name) is [var first, ..] && first.Length > 0 ? first : null;

    public IReadOnlyList<string> All(string name) => _values.GetValueOrDefault(name) ?? [];

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>Rails' truthiness of a form value: "true", "1", "on".</summary>
    public bool IsTrue(string name) => this[name] is "true" or "1" or "on" or "True";

    private ProxyRequest With(ProxyRequest other)
    {
        foreach (var (key, values) in other._values)
        {
            Add(key, values);
        }
        return this;
    }

    private void Add(string key, IEnumerable<string> values)
    {
        var name = key.EndsWith("[]", StringComparison.Ordinal) ? key[..^2] : key;
        if (!_values.TryGetValue(name, out var list))
        {
            _values[name] = list = [];
        }
        list.AddRange(values);
    }

    private static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.Null => "",
        _ => throw ProblemException.BadRequest("Nested objects are not parameters the gateway's proxy reads (polls are not supported)."),
    };
}
