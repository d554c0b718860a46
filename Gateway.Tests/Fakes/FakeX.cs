using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// X API v2 as docs.x.com describes it: <c>POST /2/tweets</c> (bearer user token with <c>tweet.write</c>, JSON
/// <c>{"text"}</c> within 280 weighted characters, the same text twice refused as duplicate content) answered
/// <c>201 {"data":{"id","text"}}</c>; <c>GET /2/users/me</c>; problem-JSON errors; the <c>x-rate-limit-*</c> headers
/// on every answer; OAuth 2.0 with PKCE at <c>/i/oauth2/authorize</c> and <c>/2/oauth2/token</c>, rotating refresh tokens.
/// </summary>
public sealed partial class FakeX : FakeNetwork
{
    public const string ClientId = "x-client-id";
    public const string UserId = "2244994945";
    public const string Username = "AcmeRelief";

    private long _nextId = 1_846_000_000_000_000_000;

    private FakeX(string? clientSecret) : base(new FakeOAuth(new FakeOAuth.Rules(
        ClientId, clientSecret, SecretInForm: false, PkceRequired: true, RotatesRefresh: true, RefreshOn: "offline.access",
        AccessLifetime: TimeSpan.FromHours(2), RefreshLifetime: null, InvalidGrant: "Value passed for the token was invalid.")))
    {
        OAuth.ConsentAs = UserId;
    }

    public static async Task<FakeX> StartAsync(string? clientSecret = null)
    {
        var fake = new FakeX(clientSecret);
        await fake.ListenAsync();
        return fake;
    }

    public static readonly string[] AllScopes = ["tweet.read", "tweet.write", "users.read", "offline.access", "media.write"];

    /// <summary>An upload as /2/media/upload received it, and the alt text /2/media/metadata gave it.</summary>
    public sealed record Media(string Id, string Category, string Type, byte[] Bytes)
    {
        public string? AltText { get; set; }
    }

    public System.Collections.Concurrent.ConcurrentDictionary<string, Media> Uploads { get; } = new();

    /// <summary>The media ids each created post names, by post id.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string[]> Attached { get; } = new();

    // docs.x.com/x-api/media: images up to 5 MB; a post takes up to 4 photos; alt text up to 1,000 characters.
    public const long ImageLimit = 5 * 1024 * 1024;
    public const int MaxPhotos = 4;

    /// <summary>A user token as the OAuth flow would give it.</summary>
    public (string Access, string? Refresh) Token(TimeSpan? lifetime = null, bool refresh = false) => OAuth.Issue(UserId, AllScopes, lifetime, refresh);

    /// <summary>The settings that point a gateway at this fake.</summary>
    public Dictionary<string, string?> Settings(string? clientSecret = null) => new()
    {
        ["Gateway:Publishing:X:BaseUrl"] = Url,
        ["Gateway:Publishing:X:AuthorizeUrl"] = Url + "/i/oauth2/authorize",
        ["Gateway:Publishing:X:ClientId"] = ClientId,
        ["Gateway:Publishing:X:ClientSecret"] = clientSecret,
    };

    protected override void Map(WebApplication app)
    {
        OAuth.Map(app, "/i/oauth2/authorize", "/2/oauth2/token");
        app.MapPost("/2/media/upload", async (HttpContext context) =>
        {
            if (Unauthorized(context, "media.write") is { } refused)
            {
                return refused;
            }
            if (!context.Request.HasFormContentType || (await context.Request.ReadFormAsync()).Files.GetFile("media") is not { } file)
            {
                return Invalid("$.media: is required");
            }
            var category = (await context.Request.ReadFormAsync())["media_category"].ToString();
            if (category is not ("tweet_image" or "tweet_gif" or "dm_image"))
            {
                return Invalid($"$.media_category: '{category}' is not one of the image categories");
            }
            if (file.ContentType is not ("image/jpeg" or "image/png" or "image/gif" or "image/webp") || file.Length > ImageLimit)
            {
                return Invalid("media type unrecognized or larger than 5 MB");
            }
            using var bytes = new MemoryStream();
            await file.CopyToAsync(bytes);
            var id = Interlocked.Increment(ref _nextId).ToString();
            Uploads[id] = new Media(id, category, file.ContentType, bytes.ToArray());
            return Results.Json(new { data = new { id, media_key = "3_" + id, size = bytes.Length, expires_after_secs = 86400, image = new { image_type = file.ContentType } } });
        });
        app.MapPost("/2/media/metadata", async (HttpContext context) =>
        {
            if (Unauthorized(context, "media.write") is { } refused)
            {
                return refused;
            }
            if (await ReadJsonAsync(context.Request) is not { ValueKind: JsonValueKind.Object } body
                || !body.TryGetProperty("id", out var idNode) || idNode.GetString() is not { } id
                || !body.TryGetProperty("metadata", out var metadata) || !metadata.TryGetProperty("alt_text", out var alt) || !alt.TryGetProperty("text", out var altText))
            {
                return Invalid("$.id and $.metadata.alt_text.text are required");
            }
            if (!Uploads.TryGetValue(id, out var media))
            {
                return Problem(404, "Not Found Error", $"Could not find media with id: [{id}].");
            }
            if (altText.GetString() is not { Length: <= 1000 } text)
            {
                return Invalid("$.metadata.alt_text.text: must be at most 1000 characters");
            }
            media.AltText = text;
            return Results.Json(new { data = new { id, associated_metadata = new { alt_text = new { text } } } });
        });
        app.MapPost("/2/tweets", async (HttpContext context) =>
        {
            RateLimitHeaders(context, remaining: 99);
            if (Unauthorized(context, "tweet.write") is { } refused)
            {
                return refused;
            }
            var trouble = NextTrouble();
            if (trouble == Trouble.RateLimited)
            {
                RateLimitHeaders(context, remaining: 0);
                return Problem(429, "Too Many Requests", "Too Many Requests");
            }
            if (trouble == Trouble.Revoked)
            {
                return Problem(401, "Unauthorized", "Unauthorized");
            }
            if (await BeforeCreateAsync(trouble, context))
            {
                return Results.Empty;
            }
            if (!(context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) ?? false))
            {
                return Invalid("Content-Type must be application/json.");
            }
            if (await ReadJsonAsync(context.Request) is not { ValueKind: JsonValueKind.Object } body)
            {
                return Invalid("Request body is not valid JSON.");
            }
            foreach (var field in body.EnumerateObject().Where(f => f.Name is not ("text" or "media")))
            {
                return Invalid($"$.{field.Name}: is not defined in the schema and the schema does not allow additional properties");
            }
            var mediaIds = body.TryGetProperty("media", out var mediaNode) && mediaNode.TryGetProperty("media_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
                ? ids.EnumerateArray().Select(i => i.GetString() ?? "").ToArray() : [];
            if (mediaIds.Length > MaxPhotos)
            {
                return Invalid($"$.media.media_ids: must have at most {MaxPhotos} items");
            }
            if (mediaIds.FirstOrDefault(m => !Uploads.ContainsKey(m)) is { } unknown)
            {
                return Invalid($"Your media IDs are invalid: {unknown}");
            }
            if (!body.TryGetProperty("text", out var t) || t.ValueKind != JsonValueKind.String || t.GetString() is not { Length: > 0 } text)
            {
                return Invalid("$.text: must be a non-empty string");
            }
            if (trouble == Trouble.Invalid || WeightedLength(text) > 280)
            {
                return Invalid("Your Tweet text is too long.");
            }
            if (Posts.Any(p => p.Text == text))
            {
                return Problem(403, "Forbidden", "You are not allowed to create a Tweet with duplicate content.");
            }
            var id = Interlocked.Increment(ref _nextId).ToString();
            Attached[id] = mediaIds;
            Posts.Enqueue(new FakePost(id, UserId, text, context.Connection.Id));
            if (await AfterCreateAsync(trouble, context, new { title = "Service Unavailable", detail = "Service Unavailable", type = "about:blank", status = 503 }))
            {
                return Results.Empty;
            }
            return Results.Json(new { data = new { id, text } }, statusCode: 201);
        });
        app.MapGet("/2/users/me", async (HttpContext context) =>
        {
            RateLimitHeaders(context, remaining: 74);
            if (Unauthorized(context, "users.read") is { } refused)
            {
                return refused;
            }
            // For the test that the pool sends a request without a body again.
            if (await AfterCreateAsync(NextTrouble(), context, new { title = "Service Unavailable", detail = "Service Unavailable", type = "about:blank", status = 503 }))
            {
                return Results.Empty;
            }
            return Results.Json(new { data = new { id = UserId, name = "Acme Relief", username = Username } });
        });
    }

    private IResult? Unauthorized(HttpContext context, string scope) => OAuth.Authenticate(context, scope).Problem switch
    {
        null => null,
        "scope" => Problem(403, "Forbidden", "You are not permitted to perform this action."),
        _ => Problem(401, "Unauthorized", "Unauthorized"),
    };

    private void RateLimitHeaders(HttpContext context, int remaining)
    {
        context.Response.Headers["x-rate-limit-limit"] = "100";
        context.Response.Headers["x-rate-limit-remaining"] = remaining.ToString();
        context.Response.Headers["x-rate-limit-reset"] = (DateTimeOffset.UtcNow + RateLimitReset).ToUnixTimeSeconds().ToString();
    }

    private static IResult Problem(int status, string title, string detail) =>
        Results.Json(new { title, type = "about:blank", status, detail }, statusCode: status, contentType: "application/problem+json");

    private static IResult Invalid(string message) =>
        Results.Json(new
        {
            errors = new[] { new { message } },
            title = "Invalid Request",
            detail = "One or more parameters to your request was invalid.",
            type = "https://api.twitter.com/2/problems/invalid-request",
        }, statusCode: 400, contentType: "application/problem+json");

    /// <summary>twitter-text's weighted length: a URL counts 23, most Latin and punctuation 1, everything else 2.</summary>
    public static int WeightedLength(string text)
    {
        var length = 0;
        var rest = UrlPattern().Replace(text, m => { length += 23; return ""; });
        for (var i = 0; i < rest.Length; i += char.IsSurrogatePair(rest, i) ? 2 : 1)
        {
            var c = char.ConvertToUtf32(rest, i);
            length += c is <= 4351 or (>= 8192 and <= 8205) or (>= 8208 and <= 8223) or (>= 8242 and <= 8247) ? 1 : 2;
        }
        return length;
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex UrlPattern();
}
