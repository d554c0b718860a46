using System.Collections;
using System.Collections.Immutable;
using System.Net;
using System.Reflection;
using System.Text;
using System.Text.Json;
using CsCheck;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Gateway.Tests;

/// <summary>
/// Thousands of generated requests (CsCheck) against every API endpoint the app maps, read from its
/// <see cref="EndpointDataSource"/> so a new endpoint is covered without touching this file: bodies shaped like the
/// endpoint's request record but full of hostile values, wrong types, nulls, deep nesting, odd Unicode and broken
/// UTF-8, with real and made-up route ids, as an admin and as an editor. No answer may be a 5xx, and every 4xx is
/// problem details. One fixed seed generates the whole run; <c>GATEWAY_FUZZ_SEED</c> tries another.
/// </summary>
public sealed class EndpointFuzzTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 4000;
    private static readonly ulong Seed = ulong.TryParse(Environment.GetEnvironmentVariable("GATEWAY_FUZZ_SEED"), out var s) ? s : 20261202;

    private readonly TestGateway _gateway = new();
    private HttpClient _admin = null!;
    private HttpClient _editor = null!;

    // The Mastodon proxy's routes are called with eve's proxy token for acme, and refuse in Mastodon's format.
    private HttpClient _proxy = null!;

    // Ids the gateway handed out during the run (posts, freezes, users…): route values that reach real rows.
    private readonly List<string> _live = ["acme", "other"];

    public async Task InitializeAsync()
    {
        _admin = await _gateway.SignInAsync("root", "admin");
        _editor = await _gateway.SignInAsync("eve", "editor");
        await _admin.CreateAccountAsync("acme", editors: ["eve"]);
        await _admin.CreateAccountAsync("other");
        _live.Add((await _editor.SubmitAsync("acme", "Hello #WhyIStayed", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!);
        var proxyToken = await _editor.PostJsonAsync("/api/accounts/acme/proxy-tokens", new { name = "fuzz" });
        _proxy = _gateway.ClientWithToken((await proxyToken.ReadJsonAsync()).GetProperty("token").GetString());
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task No_generated_request_to_any_endpoint_gets_a_5xx_and_every_4xx_is_a_problem()
    {
        var targets = Targets();
        Assert.Contains(targets, t => t.Method == "POST" && t.Route == "/api/posts/release"); // the discovery found the API
        var requests = Gen.Int[0, targets.Count - 1].SelectMany(i => Request(targets[i]));
        var pcg = new PCG(1, Seed);
        var counts = new SortedDictionary<int, int>();
        var failures = new List<string>();
        for (var n = 0; n < Requests; n++)
        {
            var request = requests.Generate(pcg, null!, out _);
            var (status, problem, text) = await SendAsync(request);
            counts[status] = counts.GetValueOrDefault(status) + 1;
            if ((status >= 500 || (status >= 400 && !problem)) && failures.Count < 5)
            {
                failures.Add($"#{n} {request}\n  → {status} {Shorten(text, 400)}");
            }
        }
        output.WriteLine($"{Requests} requests to {targets.Count} endpoints (seed {Seed}): " +
            string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}")));
        Assert.True(failures.Count == 0, $"Seed {Seed} (GATEWAY_FUZZ_SEED={Seed} reproduces):\n" + string.Join("\n", failures));
    }

    private sealed record Target(string Method, string Route, IReadOnlyList<string> RouteValues, IReadOnlyList<string> Query, Type? Body);

    private sealed record Fuzzed(string Method, string Url, byte[]? Body, string ContentType, bool AsEditor)
    {
        public override string ToString() =>
            $"{(AsEditor ? "editor" : "admin")} {Method} {Url} {(Body is null ? "" : Shorten(Encoding.UTF8.GetString(Body), 600))}";
    }

    /// <summary>Every endpoint the app maps that is not a Razor page, one target per HTTP method.</summary>
    private List<Target> Targets()
    {
        var endpoints = _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ActionDescriptor>() is null && e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null);
        return endpoints.SelectMany(e =>
        {
            var route = e.RoutePattern.RawText!.TrimEnd('/');
            var routeValues = e.RoutePattern.Parameters.Select(p => p.Name).ToArray();
            var body = e.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            var query = e.Metadata.GetMetadata<MethodInfo>()?.GetParameters()
                .Where(p => IsScalar(p.ParameterType) && !routeValues.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                .Select(p => p.Name!).ToArray() ?? [];
            return e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => new Target(m, route, routeValues, query, body));
        }).ToList();
    }

    private static bool IsScalar(Type type) =>
        (Nullable.GetUnderlyingType(type) ?? type) is var t && (t == typeof(string) || t.IsPrimitive);

    private Gen<Fuzzed> Request(Target target)
    {
        var url = Fold(target.RouteValues.Select(_ => RouteValue)).Select(values =>
        {
            var path = target.Route;
            for (var i = 0; i < values.Count; i++)
            {
                path = path.Replace("{" + target.RouteValues[i] + "}", values[i]);
            }
            return path;
        });
        var query = Fold(target.Query.Select(name => Gen.Frequency((1, Gen.Const("")), (1, QueryValue.Select(v => $"{name}={v}")))))
            .Select(parts => parts.Where(p => p.Length > 0).ToArray() is { Length: > 0 } given ? "?" + string.Join('&', given) : "");
        var body = target.Body is null
            ? Gen.Frequency((6, Gen.Const<(byte[]?, string)>((null, "application/json"))), (1, WholeBody(JsonFor(typeof(object), 0))))
            : WholeBody(JsonFor(target.Body, 0));
        return Gen.Select(url, query, body, Gen.Int[0, 6], (u, q, b, who) => new Fuzzed(target.Method, u + q, b.Item1, b.Item2, who == 0));
    }

    /// <summary>Mostly valid JSON of the right shape; sometimes something that is not JSON, or not UTF-8, or not declared as JSON.</summary>
    private static Gen<(byte[]?, string)> WholeBody(Gen<string> json) => Gen.Frequency(
        (20, json.Select(j => ((byte[]?)Encoding.UTF8.GetBytes(j), "application/json"))),
        (2, json.Select(j => ((byte[]?)BreakUtf8(Encoding.UTF8.GetBytes(j)), "application/json"))),
        (1, json.Select(j => ((byte[]?)Encoding.UTF8.GetBytes(j[..(j.Length / 2)]), "application/json"))),
        (1, json.Select(j => ((byte[]?)Encoding.UTF8.GetBytes(j), "text/plain"))),
        (1, Gen.OneOf(Wrong).Select(j => ((byte[]?)Encoding.UTF8.GetBytes(j), "application/json"))),
        (1, Gen.Const(((byte[]?)[], "application/json"))));

    private static byte[] BreakUtf8(byte[] bytes)
    {
        // A lone continuation byte, an overlong '/', and an encoded surrogate, in the middle of the text.
        var middle = bytes.Length / 2;
        return [.. bytes[..middle], 0x80, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xFF, .. bytes[middle..]];
    }

    /// <summary>JSON for a value of <paramref name="type"/> as a request record declares it, or, now and then, something else entirely.</summary>
    private Gen<string> JsonFor(Type type, int depth, string name = "")
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        Gen<string> shaped =
            t == typeof(string) ? (Plausible(name) is { } likely ? Gen.Frequency((3, likely), (2, Text)) : Text)
            : t == typeof(bool) ? Gen.OneOf("true", "false")
            : t.IsPrimitive ? Number
            : t != typeof(object) && typeof(IEnumerable).IsAssignableFrom(t) ? ListOf(ItemType(t), depth, name)
            : t == typeof(object) || depth > 3 ? Gen.OneOf(Wrong)
            : ObjectOf(t, depth);
        return Gen.Frequency((12, shaped), (1, Gen.Const("null")), (1, Gen.OneOf(Wrong)));
    }

    /// <summary>Values a field of this name accepts, so that many requests reach the code behind the first check.</summary>
    private Gen<string>? Plausible(string field)
    {
        string[]? words = field switch
        {
            "account" or "accounts" => ["acme", "other"],
            "body" => ["Hello there", "Visit our shop #WhyIStayed", "**Bold** news", "> quoted\n\n- list"],
            "scheduledAt" or "expiresAt" => [DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"), DateTimeOffset.UtcNow.AddDays(2).ToString("O"), "9999-12-29T00:00:00Z"],
            "reason" or "comment" or "text" or "context" => ["Drill", "Looks fine", "Shooting in the news"],
            "role" => ["admin", "editor", "reviewer"],
            "name" or "id" => ["fuzz-a", "fuzz-b", "fuzz-c"],
            "editors" => ["eve", "root"],
            "network" => ["x", "bluesky", "outbox"],
            "kind" => ["brand", "personal"],
            "language" => ["en", "de"],
            "verdict" => ["approve", "reject"],
            "sensitivity" => ["tragedy", "commercial"],
            "tag" => ["WhyIStayed", "#FuzzTrend"],
            "type" => ["outbox"],
            _ => null,
        };
        return field is "ids" or "contentHash"
            ? Gen.Int[0, 1000].Select(i => "\"" + _live[i % _live.Count] + "\"")
            : words is null ? null : Gen.OneOf(words).Select(w => "\"" + w + "\"");
    }

    private static Type ItemType(Type list) =>
        list.IsArray ? list.GetElementType()! : list.GetGenericArguments().FirstOrDefault() ?? typeof(object);

    private Gen<string> ListOf(Type item, int depth, string name) =>
        Gen.Int[0, 4].SelectMany(n => Fold(Enumerable.Range(0, n).Select(_ => JsonFor(item, depth + 1, name))))
            .Select(items => "[" + string.Join(",", items) + "]");

    private Gen<string> ObjectOf(Type type, int depth)
    {
        var parameters = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First().GetParameters();
        var properties = parameters.Select(p => Gen.Frequency(
            (8, JsonFor(p.ParameterType, depth + 1, JsonNamingPolicy.CamelCase.ConvertName(p.Name!)).Select(v => $"\"{JsonNamingPolicy.CamelCase.ConvertName(p.Name!)}\":{v}")),
            (1, Gen.Const(""))));
        var extra = Gen.Frequency((6, Gen.Const("")), (1, Text.Select(v => $"\"unexpected\":{v}")));
        return Gen.Select(Fold(properties), extra, (ps, x) => "{" + string.Join(",", ps.Append(x).Where(p => p.Length > 0)) + "}");
    }

    private static Gen<ImmutableList<T>> Fold<T>(IEnumerable<Gen<T>> gens) =>
        gens.Aggregate(Gen.Const(ImmutableList<T>.Empty), (list, gen) => Gen.Select(list, gen, (l, x) => l.Add(x)));

    private static readonly string[] Wrong =
    [
        "0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999999", "true", "{}", "[]", "\"\"", "[null]", "{\"a\":null}",
        string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70)),
        string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + string.Concat(Enumerable.Repeat("}", 70)),
        string.Concat(Enumerable.Repeat("[", 60)) + string.Concat(Enumerable.Repeat("]", 60)),
    ];

    private static readonly Gen<string> Number = Gen.Frequency(
        (4, Gen.Int[-3, 2000].Select(i => i.ToString())),
        (1, Gen.OneOf("2147483647", "-2147483648", "2147483648", "9223372036854775807", "9223372036854775808", "1440", "1441", "0.5", "\"10\"")));

    private static readonly string Now = DateTimeOffset.UtcNow.ToString("O");

    /// <summary>Words the endpoints know, so that a good share of requests get past the first check, and words no endpoint expects.</summary>
    private static readonly string[] Words =
    [
        "acme", "other", "eve", "root", "nobody", "Hello", "admin", "editor", "reviewer", "approve", "reject", "brand", "personal",
        "x", "bluesky", "outbox", "webhook", "en", "de", "tragedy", "commercial", "json", "markdown", "scheduled", "held",
        DateTimeOffset.UtcNow.AddMinutes(2).ToString("O"), DateTimeOffset.UtcNow.AddDays(3).ToString("yyyy-MM-ddTHH:mm:sszzz"), Now,
        "9999-12-31T23:59:59.9999999Z", "9999-12-30T00:00:00Z", "9999-12-31T23:59:59+14:00", "9999-12-31T10:00:00-14:00",
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "2026-02-30T00:00:00Z", "2026-11-26T09:30:00", "tomorrow",
        "2100-01-01T00:00:00+14:00", "2100-01-01T00:00:00-14:00", "", " ", "\\t\\r\\n", "<script>alert(1)</script>",
        "'; DROP TABLE posts;--", "../../etc/passwd", "#WhyIStayed", "@someone", "ftp://x", "javascript:alert(1)",
        "\\u0000", "\\uD800", "\\uDFFF", "\\uDBFF\\uDFFF", "\\uFFFE", "\uFFFE", "\\uFDD0", "\u202Eevil", "e\u0301\u0301\u0301",
        "👩‍👩‍👧‍👦🏽", "ﷺ", "ß İ ı", "\u200B\u200D",
        string.Concat(Enumerable.Repeat("> ", 200)) + "deep", string.Concat(Enumerable.Repeat("- ", 200)) + "deep",
        string.Concat(Enumerable.Repeat("> - ", 100)) + "deep", string.Concat(Enumerable.Repeat("1. ", 150)) + "deep",
        new string('*', 400) + "deep" + new string('*', 400), new string('[', 3000), new string('`', 2000),
        string.Concat(Enumerable.Repeat("~~", 500)) + "x" + string.Concat(Enumerable.Repeat("~~", 500)),
        string.Concat(Enumerable.Repeat("<b>", 500)), string.Concat(Enumerable.Repeat("[a](", 300)),
        new string('y', 10_001), new string('z', 200_000),
    ];

    /// <summary>A JSON string literal: a known word, two glued together, or random UTF-16 (lone surrogates included), escaped as JSON allows.</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (6, Gen.OneOf(Words)),
        (2, Gen.Select(Gen.OneOf(Words), Gen.OneOf(Words), (a, b) => a + " " + b)),
        (2, Gen.String[Gen.Char, 0, 40].Select(Escape)))
        .Select(s => "\"" + (s.Contains('"') ? s.Replace("\"", "\\\"") : s) + "\"");

    private static string Escape(string text)
    {
        var json = new StringBuilder();
        foreach (var c in text)
        {
            json.Append(c is < ' ' or '"' or '\\' || char.IsSurrogate(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }
        return json.ToString();
    }

    /// <summary>Mostly ids that exist; otherwise made-up, encoded or broken path segments.</summary>
    private Gen<string> RouteValue => Gen.Frequency(
        (5, Gen.Int[0, 1000].Select(i => Uri.EscapeDataString(_live[i % _live.Count]))),
        (3, Gen.OneOf("nope", "0", "-1", "%20", "a%2Fb", "%ED%A0%80", "%EF%BF%BE", "%FF", "..", "%23tag", "WhyIStayed", new string('a', 5000))),
        (1, Gen.String[Gen.Char, 1, 20].Select(PercentEncode)));

    private static readonly Gen<string> QueryValue = Gen.Frequency(
        (3, Gen.OneOf("1", "0", "-1", "1000000", "99999999999", "9223372036854775808", "held", "scheduled", "sent", "acme",
            "root", "freeze", "post.submitted", "markdown", "json", "md", "abc")),
        (1, Gen.OneOf(Words).Select(w => Uri.EscapeDataString(w.Replace("\\u", "")))),
        (1, Gen.String[Gen.Char, 0, 20].Select(PercentEncode)));

    /// <summary>Percent-encodes UTF-16 as UTF-8 by hand, so that a lone surrogate arrives as the invalid bytes it would be.</summary>
    private static string PercentEncode(string text)
    {
        var url = new StringBuilder();
        // NUL is left out: Kestrel refuses such a path before the app sees it, and the test host throws instead.
        foreach (var c in text.Replace("\0", ""))
        {
            var bytes = char.IsSurrogate(c) ? [(byte)(0xE0 | (c >> 12)), (byte)(0x80 | ((c >> 6) & 0x3F)), (byte)(0x80 | (c & 0x3F))] : Encoding.UTF8.GetBytes(c.ToString());
            foreach (var b in bytes)
            {
                url.Append('%').Append(b.ToString("X2"));
            }
        }
        return url.ToString();
    }

    private async Task<(int Status, bool Problem, string Text)> SendAsync(Fuzzed request)
    {
        var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(request.Body);
            message.Content.Headers.ContentType = new(request.ContentType);
        }
        var mastodon = Gateway.Proxy.MastodonErrors.IsProxyPath(new PathString(message.RequestUri!.OriginalString.Split('?')[0]));
        var response = await (mastodon ? _proxy : request.AsEditor ? _editor : _admin).SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        if (response.IsSuccessStatusCode)
        {
            Collect(text);
        }
        return ((int)response.StatusCode, mastodon ? MastodonError(response, text) : response.Content.Headers.ContentType?.MediaType == "application/problem+json", text);
    }

    /// <summary>Mastodon's refusal: <c>application/json</c> with a string <c>error</c> (what its clients read as the message).</summary>
    private static bool MastodonError(HttpResponseMessage response, string text)
    {
        try
        {
            return response.Content.Headers.ContentType?.MediaType == "application/json"
                && JsonDocument.Parse(text).RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private void Collect(string json)
    {
        try
        {
            var root = JsonDocument.Parse(json).RootElement;
            foreach (var item in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToArray() : [root])
            {
                foreach (var key in new[] { "id", "name", "tag" })
                {
                    // The fuzzer's own users stay out (disabling them would turn the rest of the run into 401s), and so does NUL, which Kestrel refuses in a path.
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty(key, out var id) && id.ValueKind == JsonValueKind.String && id.GetString() is { } value
                        && value is not ("root" or "eve") && !value.Contains('\0') && _live.Count < 500)
                    {
                        _live.Add(value);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Markdown incidents and 204s carry no ids.
        }
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length} chars)";
}
