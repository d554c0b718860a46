using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A Mastodon instance on loopback, as its API documentation and source describe it: bearer tokens, statuses from
/// JSON or form bodies, the 500-character limit and Rails' validation message, idempotency per account and key for an
/// hour (PostStatusService: the repeat answers the status already made), <c>{"error": "…"}</c> bodies, rack-attack's
/// 429 with <c>X-RateLimit-Reset</c>, apps and OAuth with PKCE. <see cref="Next"/> decides how it answers a new status.
/// </summary>
public sealed partial class FakeMastodon : IAsyncDisposable
{
    public enum Behaviour { Normal, ServerError, DropAfterCreate, RateLimited, InvalidToken, HangBeforeCreate, HangAfterCreate,
        /// <summary>Hangs until released, then makes the status anyway: a Rails worker finishes a request its client left.</summary>
        CreateAfterClientLeft }

    public sealed record Status(string Id, string Text, string? Language, string Visibility, DateTimeOffset CreatedAt, string? IdempotencyKey)
    {
        public IReadOnlyList<Attachment> Media { get; init; } = [];
    }

    /// <summary>An uploaded MediaAttachment: the bytes and type as received, its description, and how many more times it answers "processing".</summary>
    public sealed record Attachment(string Id, byte[] Bytes, string Type, string? Description)
    {
        public int PendingPolls { get; set; }
    }

    /// <summary>What /api/v2/media received, by id.</summary>
    public ConcurrentDictionary<string, Attachment> Uploads { get; } = new();

    /// <summary>How many times GET /api/v1/media/:id answers 206 (still processing) before 200; 0: the upload answers 200 at once.</summary>
    public int ProcessingPolls { get; set; } = 1;

    /// <summary>Answers the next upload 422, as Mastodon does for a type it does not take.</summary>
    public bool RefuseNextUpload { get; set; }

    // Mastodon 4: MediaAttachment::IMAGE_LIMIT and Status::MEDIA_ATTACHMENTS_LIMIT.
    public const long ImageLimit = 16 * 1024 * 1024;
    public const int AttachmentsLimit = 4;

    private static readonly string[] ImageTypes = ["image/jpeg", "image/png", "image/gif", "image/heic", "image/heif", "image/webp", "image/avif"];

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Status> _byKey = new();
    private readonly ConcurrentDictionary<string, (string ClientId, string? Challenge, string Redirect)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _clients = new();
    private long _ids = 110_000_000_000_000_000;

    public const string Acct = "acme";
    public const string AccountId = "109000000000000001";

    private FakeMastodon(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    /// <summary>Tokens the instance accepts (pasted, or issued by /oauth/token).</summary>
    public ConcurrentDictionary<string, bool> Tokens { get; } = new();

    public ConcurrentQueue<Status> Statuses { get; } = new();

    /// <summary>How the n-th POST /api/v1/statuses (1-based) is answered.</summary>
    public Func<int, Behaviour> Next { get; set; } = _ => Behaviour.Normal;

    /// <summary>How far ahead a 429's <c>X-RateLimit-Reset</c> lies.</summary>
    public TimeSpan RateLimitReset { get; set; } = TimeSpan.FromSeconds(1);

    public TaskCompletionSource Hanging { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int StatusCalls => _statusCalls;

    private int _statusCalls;

    public static async Task<FakeMastodon> StartAsync(params string[] tokens)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeMastodon(app);
        foreach (var token in tokens)
        {
            fake.Tokens[token] = true;
        }
        app.MapPost("/api/v1/statuses", fake.CreateStatusAsync);
        app.MapPost("/api/v2/media", fake.UploadAsync);
        app.MapGet("/api/v1/media/{id}", (string id, HttpContext c) => !fake.Authorized(c) ? InvalidToken()
            : !fake.Uploads.TryGetValue(id, out var a) ? Results.Json(new { error = "Record not found" }, statusCode: 404)
            : a.PendingPolls > 0 && a.PendingPolls-- > 0 ? Results.Json(fake.MediaEntity(a, processed: false), statusCode: 206)
            : Results.Json(fake.MediaEntity(a, processed: true)));
        app.MapGet("/api/v1/accounts/verify_credentials", (HttpContext c) => fake.Authorized(c)
            ? Results.Json(new { id = AccountId, username = Acct, acct = Acct, display_name = "ACME" })
            : InvalidToken());
        app.MapGet("/api/v1/accounts/{id}/statuses", (string id, int? limit, HttpContext c) => !fake.Authorized(c) ? InvalidToken()
            : id != AccountId ? Results.Json(new { error = "Record not found" }, statusCode: 404)
            : Results.Json(fake.Statuses.Reverse().Take(Math.Min(limit ?? 20, 40)).Select(fake.Entity)));
        app.MapGet("/api/v1/statuses/{id}/source", (string id, HttpContext c) => !fake.Authorized(c) ? InvalidToken()
            : fake.Statuses.FirstOrDefault(s => s.Id == id) is { } s ? Results.Json(new { id = s.Id, text = s.Text, spoiler_text = "" })
            : Results.Json(new { error = "Record not found" }, statusCode: 404));
        fake.MapTagTimeline(app);
        app.MapPost("/api/v1/apps", async (HttpContext c) =>
        {
            var form = await ReadFieldsAsync(c.Request);
            if (string.IsNullOrEmpty(form["client_name"]) || string.IsNullOrEmpty(form["redirect_uris"]))
            {
                return Results.Json(new { error = "Validation failed: Application name can't be blank, Redirect URI can't be blank" }, statusCode: 422);
            }
            var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
            fake._clients[id] = form["redirect_uris"]!;
            return Results.Json(new { id = "1", name = form["client_name"].ToString(), client_id = id, client_secret = "secret-" + id, redirect_uri = form["redirect_uris"].ToString() });
        });
        // The person consents at once: the instance sends the browser back with a code bound to the PKCE challenge.
        // PKCE is optional, as in Mastodon (Doorkeeper without force_pkce); a challenge given must be S256.
        app.MapGet("/oauth/authorize", (string client_id, string redirect_uri, string? state, string? code_challenge, string? code_challenge_method) =>
        {
            if (!fake._clients.TryGetValue(client_id, out var registered) || registered != redirect_uri || (code_challenge is not null && code_challenge_method != "S256"))
            {
                return Results.BadRequest("invalid_client or redirect_uri");
            }
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
            fake._codes[code] = (client_id, code_challenge, redirect_uri);
            return Results.Redirect($"{redirect_uri}?code={code}" + (state is null ? "" : $"&state={Uri.EscapeDataString(state)}"));
        });
        app.MapPost("/oauth/token", async (HttpContext c) =>
        {
            var form = await ReadFieldsAsync(c.Request);
            var verifier = form["code_verifier"].ToString();
            var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
            if (form["grant_type"] != "authorization_code" || !fake._codes.TryRemove(form["code"].ToString(), out var grant)
                || grant.ClientId != form["client_id"] || form["client_secret"] != "secret-" + grant.ClientId
                || grant.Redirect != form["redirect_uri"] || (grant.Challenge is not null && grant.Challenge != challenge))
            {
                return Results.Json(new { error = "invalid_grant", error_description = "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client." }, statusCode: 400);
            }
            var token = "oauth-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
            fake.Tokens[token] = true;
            return Results.Json(new { access_token = token, token_type = "Bearer", scope = MastodonScopes, created_at = DateTimeOffset.UtcNow.ToUnixTimeSeconds() });
        });
        // Doorkeeper's revoke (RFC 7009): 200 with {} whether or not the token was known.
        app.MapPost("/oauth/revoke", async (HttpContext c) =>
        {
            var form = await ReadFieldsAsync(c.Request);
            if (!fake._clients.ContainsKey(form["client_id"].ToString()) || form["client_secret"] != "secret-" + form["client_id"])
            {
                return Results.Json(new { error = "invalid_client", error_description = "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method." }, statusCode: 401);
            }
            fake.Tokens.TryRemove(form["token"].ToString(), out _);
            return Results.Json(new { });
        });
        // PUT /api/v1/media/:id: the description (and focus) of an upload not yet attached; JSON or form.
        app.MapPut("/api/v1/media/{id}", async (string id, HttpContext c) =>
        {
            if (!fake.Authorized(c))
            {
                return InvalidToken();
            }
            if (!fake.Uploads.TryGetValue(id, out var a))
            {
                return Results.Json(new { error = "Record not found" }, statusCode: 404);
            }
            var description = (await ReadFieldsAsync(c.Request))["description"].ToString();
            var updated = a with { Description = description.Length == 0 ? a.Description : description };
            fake.Uploads[id] = updated;
            return Results.Json(fake.MediaEntity(updated, processed: updated.PendingPolls == 0));
        });
        fake.MapClientReads(app);
        await app.StartAsync();
        return fake;
    }

    // ---- What a full client reads and the outgoing acts that are not posts (the gateway's Mastodon proxy forwards them) ----

    /// <summary>Boosts, favourites and follows received, as "reblog 110…", "favourite 110…", "follow 109…" (and the un- forms).</summary>
    public ConcurrentQueue<string> Acts { get; } = new();

    /// <summary>Awaited before a boost or favourite is made: a test holds one in flight with it.</summary>
    public Func<Task>? BeforeAct { get; set; }

    /// <summary>Another account on the instance, to look up and follow.</summary>
    public const string OtherAccountId = "109000000000000002";

    private void MapClientReads(WebApplication app)
    {
        // Mastodon paginates with Link headers (max_id/min_id); a page here is everything, newest first, up to limit.
        IResult Timeline(HttpContext c, int? limit)
        {
            var page = Statuses.Reverse().Take(Math.Clamp(limit ?? 20, 1, 40)).ToArray();
            if (page.Length > 0)
            {
                c.Response.Headers.Link = $"<{Url}/api/v1/timelines/home?max_id={page[^1].Id}>; rel=\"next\", <{Url}/api/v1/timelines/home?min_id={page[0].Id}>; rel=\"prev\"";
            }
            return Results.Json(page.Select(Entity));
        }
        app.MapGet("/api/v1/timelines/home", (int? limit, HttpContext c) => Authorized(c) ? Timeline(c, limit) : InvalidToken());
        app.MapGet("/api/v1/timelines/public", (int? limit, HttpContext c) => Timeline(c, limit)); // public without a token, as on most instances
        app.MapGet("/api/v1/notifications", (HttpContext c) => Authorized(c)
            ? Results.Json(Acts.Select((a, i) => new { id = (i + 1).ToString(), type = "status", created_at = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), account = AccountEntity(OtherAccountId) }))
            : InvalidToken());
        app.MapGet("/api/v1/accounts/{id}", (string id) => id is AccountId or OtherAccountId ? Results.Json(AccountEntity(id)) : NotFound());
        app.MapGet("/api/v1/statuses/{id}", (string id, HttpContext c) => Statuses.FirstOrDefault(s => s.Id == id) is { } s ? Results.Json(Entity(s)) : NotFound());
        app.MapGet("/api/v1/statuses/{id}/context", (string id) => Statuses.Any(s => s.Id == id)
            ? Results.Json(new { ancestors = Array.Empty<object>(), descendants = Array.Empty<object>() }) : NotFound());
        app.MapGet("/api/v2/search", (string? q, HttpContext c) => !Authorized(c) ? InvalidToken()
            : string.IsNullOrEmpty(q) ? Results.Json(new { error = "Validation failed: Query can't be blank" }, statusCode: 400)
            : Results.Json(new
            {
                accounts = q.Contains(Acct, StringComparison.OrdinalIgnoreCase) ? new[] { AccountEntity(AccountId) } : [],
                statuses = Statuses.Where(s => s.Text.Contains(q, StringComparison.OrdinalIgnoreCase)).Select(Entity),
                hashtags = Array.Empty<object>(),
            }));
        foreach (var act in (string[])["reblog", "unreblog", "favourite", "unfavourite"])
        {
            app.MapPost($"/api/v1/statuses/{{id}}/{act}", async (string id, HttpContext c) =>
            {
                if (BeforeAct is { } before)
                {
                    await before();
                }
                if (!Authorized(c))
                {
                    return InvalidToken();
                }
                if (Statuses.FirstOrDefault(s => s.Id == id) is not { } status)
                {
                    return NotFound();
                }
                Acts.Enqueue($"{act} {id}");
                return Results.Json(Entity(status)); // the status with the caller's new reblogged/favourited state; here the plain entity
            });
        }
        foreach (var act in (string[])["follow", "unfollow"])
        {
            app.MapPost($"/api/v1/accounts/{{id}}/{act}", (string id, HttpContext c) =>
            {
                if (!Authorized(c))
                {
                    return InvalidToken();
                }
                if (id != OtherAccountId)
                {
                    return id == AccountId ? Results.Json(new { error = "This action is not allowed" }, statusCode: 403) : NotFound();
                }
                Acts.Enqueue($"{act} {id}");
                return Results.Json(new { id, following = act == "follow", showing_reblogs = act == "follow", notifying = false, followed_by = false, blocking = false, muting = false, requested = false });
            });
        }
    }

    private object AccountEntity(string id) => new
    {
        id,
        username = id == AccountId ? Acct : "neighbour",
        acct = id == AccountId ? Acct : "neighbour",
        display_name = id == AccountId ? "ACME" : "Neighbour",
        url = $"{Url}/@{(id == AccountId ? Acct : "neighbour")}",
        created_at = "2023-01-01T00:00:00.000Z",
        followers_count = 0,
        following_count = 0,
        statuses_count = id == AccountId ? Statuses.Count : 0,
    };

    private static IResult NotFound() => Results.Json(new { error = "Record not found" }, statusCode: 404);

    // ---- end of the client reads ----

    private const string MastodonScopes = Gateway.Publishing.Mastodon.MastodonAuthorization.Scopes;

    private async Task CreateStatusAsync(HttpContext context)
    {
        var n = Interlocked.Increment(ref _statusCalls);
        if (!Authorized(context))
        {
            await InvalidToken().ExecuteAsync(context);
            return;
        }
        var (text, language, visibility, mediaIds) = await ReadStatusAsync(context.Request);
        var behaviour = Next(n);
        switch (behaviour)
        {
            case Behaviour.InvalidToken:
                await InvalidToken().ExecuteAsync(context);
                return;
            case Behaviour.ServerError:
                await Results.Json(new { error = "We're sorry, but something went wrong on our end." }, statusCode: 500).ExecuteAsync(context);
                return;
            case Behaviour.RateLimited:
                context.Response.Headers["X-RateLimit-Limit"] = "300";
                context.Response.Headers["X-RateLimit-Remaining"] = "0";
                context.Response.Headers["X-RateLimit-Reset"] = DateTimeOffset.UtcNow.Add(RateLimitReset).ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ");
                await Results.Json(new { error = "Too many requests" }, statusCode: 429).ExecuteAsync(context);
                return;
            case Behaviour.HangBeforeCreate:
                Hanging.TrySetResult();
                await Release.Task;
                context.Abort();
                return;
            case Behaviour.CreateAfterClientLeft:
                Hanging.TrySetResult();
                await Release.Task;
                break;
        }
        // PostStatusService#validate_media!: at most four, each the account's own and done processing.
        if (mediaIds.Length > AttachmentsLimit)
        {
            await Results.Json(new { error = "Validation failed: Media attachments Cannot attach more than 4 files" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        var attachments = mediaIds.Select(m => Uploads.GetValueOrDefault(m)).ToArray();
        if (attachments.Any(a => a is null))
        {
            await Results.Json(new { error = "Validation failed: Media attachments are invalid" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        if (attachments.Any(a => a!.PendingPolls > 0))
        {
            await Results.Json(new { error = "Cannot attach files that have not finished processing. Try again in a moment!" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        if (string.IsNullOrWhiteSpace(text) && attachments.Length == 0)
        {
            await Results.Json(new { error = "Validation failed: Text can't be blank" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        // StatusLengthValidator: grapheme clusters, each URL as 23.
        if (new System.Globalization.StringInfo(System.Text.RegularExpressions.Regex.Replace(text ?? "", @"https?://\S+", new string('x', 23))).LengthInTextElements > 500)
        {
            await Results.Json(new { error = "Validation failed: Text character limit of 500 exceeded" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        var status = new Status(Interlocked.Increment(ref _ids).ToString(), text ?? "", language, visibility, DateTimeOffset.UtcNow, key.Length == 0 ? null : key)
        {
            Media = attachments!,
        };
        // Mastodon: the key is remembered per account for an hour and a repeat answers the status it made.
        if (key.Length > 0)
        {
            var existing = _byKey.GetOrAdd(key, status);
            if (!ReferenceEquals(existing, status))
            {
                await Results.Json(Entity(existing)).ExecuteAsync(context);
                return;
            }
        }
        Statuses.Enqueue(status);
        if (behaviour == Behaviour.DropAfterCreate)
        {
            context.Abort();
            return;
        }
        if (behaviour == Behaviour.CreateAfterClientLeft)
        {
            context.Abort();
            return;
        }
        if (behaviour == Behaviour.HangAfterCreate)
        {
            Hanging.TrySetResult();
            await Release.Task;
            context.Abort();
            return;
        }
        await Results.Json(Entity(status)).ExecuteAsync(context);
    }

    /// <summary>A body's fields, from a form or a JSON object (Rails takes both; masto.js and megalodon send JSON).</summary>
    private static async Task<IFormCollection> ReadFieldsAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            return await request.ReadFormAsync();
        }
        try
        {
            using var json = await JsonDocument.ParseAsync(request.Body);
            return new FormCollection(json.RootElement.EnumerateObject().ToDictionary(p => p.Name,
                p => new Microsoft.Extensions.Primitives.StringValues(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.ToString())));
        }
        catch (JsonException)
        {
            return FormCollection.Empty;
        }
    }

    private static async Task<(string? Text, string? Language, string Visibility, string[] MediaIds)> ReadStatusAsync(HttpRequest request)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync();
            return (form["status"], form["language"], form["visibility"].ToString() is { Length: > 0 } v ? v : "public", form["media_ids[]"].Select(m => m!).ToArray());
        }
        using var json = await JsonDocument.ParseAsync(request.Body);
        string? Field(string name) => json.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var media = json.RootElement.TryGetProperty("media_ids", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(i => i.ToString()).ToArray() : [];
        return (Field("status"), Field("language"), Field("visibility") ?? "public", media);
    }

    // POST /api/v2/media: multipart `file` (and `description`); 200 when processed at once, else 202 with url null.
    private async Task UploadAsync(HttpContext context)
    {
        if (!Authorized(context))
        {
            await InvalidToken().ExecuteAsync(context);
            return;
        }
        if (!context.Request.HasFormContentType || (await context.Request.ReadFormAsync()).Files.GetFile("file") is not { } file)
        {
            await Results.Json(new { error = "Validation failed: File can't be blank" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        var form = await context.Request.ReadFormAsync();
        if (RefuseNextUpload || !ImageTypes.Contains(file.ContentType) || file.Length > ImageLimit)
        {
            RefuseNextUpload = false;
            await Results.Json(new { error = "Validation failed: File content type is invalid, File file size must be less than 16 MB" }, statusCode: 422).ExecuteAsync(context);
            return;
        }
        using var bytes = new MemoryStream();
        await file.CopyToAsync(bytes);
        var description = form["description"].ToString();
        var attachment = new Attachment(Interlocked.Increment(ref _ids).ToString(), bytes.ToArray(), file.ContentType, description.Length == 0 ? null : description)
        {
            PendingPolls = ProcessingPolls,
        };
        Uploads[attachment.Id] = attachment;
        await Results.Json(MediaEntity(attachment, processed: ProcessingPolls == 0), statusCode: ProcessingPolls == 0 ? 200 : 202).ExecuteAsync(context);
    }

    private object MediaEntity(Attachment a, bool processed) => new
    {
        id = a.Id,
        type = "image",
        url = processed ? $"{Url}/system/media_attachments/{a.Id}/original.png" : null,
        preview_url = $"{Url}/system/media_attachments/{a.Id}/small.png",
        description = a.Description,
    };

    private object Entity(Status s) => new
    {
        id = s.Id,
        created_at = s.CreatedAt.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        visibility = s.Visibility,
        language = s.Language,
        uri = $"{Url}/users/{Acct}/statuses/{s.Id}",
        url = $"{Url}/@{Acct}/{s.Id}",
        content = "<p>" + System.Net.WebUtility.HtmlEncode(s.Text) + "</p>",
        account = new { id = AccountId, username = Acct, acct = Acct },
        media_attachments = s.Media.Select(a => MediaEntity(a, processed: true)),
    };

    private bool Authorized(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.Ordinal) && Tokens.ContainsKey(header["Bearer ".Length..]);
    }

    private static IResult InvalidToken() => Results.Json(new { error = "The access token is invalid" }, statusCode: 401);

    public async ValueTask DisposeAsync()
    {
        Release.TrySetResult();
        await _app.DisposeAsync();
    }
}
