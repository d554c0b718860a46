using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Proxy;

/// <summary>
/// A Mastodon client library nobody here wrote, driven from <c>Gateway.Tests/node/mastodon-clients</c>: each call is
/// one node run of the library's own API (masto.js: <c>masto.mjs</c>, megalodon: <c>megalodon.mjs</c>) against
/// <paramref name="Url"/>, answering what the library returned or what it threw.
/// </summary>
public sealed record MastodonClient(string Library, string Url, string? Token = null)
{
    public const string Masto = "masto";
    public const string Megalodon = "megalodon";

    public static TheoryData<string> Libraries => [Masto, Megalodon];

    /// <summary>
    /// A field of an entity as the library hands it to the app: megalodon keeps Mastodon's snake_case, masto.js turns
    /// keys to camelCase (<c>media_attachments</c> → <c>mediaAttachments</c>).
    /// </summary>
    public static JsonElement Field(JsonElement entity, string snakeName)
    {
        if (entity.TryGetProperty(snakeName, out var value))
        {
            return value;
        }
        var camel = System.Text.RegularExpressions.Regex.Replace(snakeName, "_([a-z])", m => m.Groups[1].Value.ToUpperInvariant());
        return entity.TryGetProperty(camel, out value) ? value : throw new Xunit.Sdk.XunitException($"no {snakeName} in {entity}");
    }

    public static string Text(JsonElement entity, string snakeName) => Field(entity, snakeName).GetString()!;

    public MastodonClient WithToken(string? token) => this with { Token = token };

    /// <param name="timeout">
    /// A safety net against a hung client, not a speed claim: 90 s by default (masto waits up to 30 s for media processing).
    /// </param>
    public async Task<Answer> CallAsync(string op, object? args = null, TimeSpan? timeout = null)
    {
        var line = await NodeScript.RunAsync($"mastodon-clients/{Library}.mjs", Library, $"The {Library} client driver",
            new { url = Url, token = Token, op, args = args ?? new { } }, timeout ?? TimeSpan.FromSeconds(90));
        return new Answer(op, line);
    }

    /// <summary>Calls <paramref name="op"/> and fails the test with the library's error if it threw.</summary>
    public async Task<JsonElement> ValueAsync(string op, object? args = null) => (await CallAsync(op, args)).Value;

    /// <summary>One call's outcome: <see cref="Value"/> as the library returned it, or <see cref="Error"/> as it threw it.</summary>
    public sealed record Answer(string Op, JsonElement Line)
    {
        public bool Ok => Line.GetProperty("ok").GetBoolean();

        public JsonElement Value => Ok ? Line.GetProperty("value") : throw new Xunit.Sdk.XunitException($"{Op} threw: {Line}");

        public JsonElement Error => !Ok ? Line.GetProperty("error") : throw new Xunit.Sdk.XunitException($"{Op} was expected to throw but returned: {Line}");

        /// <summary>The HTTP status the library's error carries (masto: MastoHttpError.statusCode; megalodon: axios' response.status).</summary>
        public int? ErrorStatus => Error.GetProperty("status") is { ValueKind: JsonValueKind.Number } s ? s.GetInt32() : null;

        public string ErrorMessage => Error.GetProperty("message").GetString()!;

        public override string ToString() => Line.ToString();
    }
}
