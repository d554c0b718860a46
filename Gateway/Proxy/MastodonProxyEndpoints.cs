using System.Globalization;
using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Posts;
using Gateway.Reviews;
using Gateway.Rules.Checks;

namespace Gateway.Proxy;

/// <summary>
/// The Mastodon client API at the gateway's root (<c>/api/v1/…</c>, <c>/api/v2/…</c>): a team points its Mastodon
/// app or script here with a proxy token, and every status it writes becomes a gateway post on the usual path
/// (checks, four eyes, freeze, queue). Reads go to the account's instance. Kept out of the OpenAPI document: it is
/// Mastodon's API, documented by Mastodon; the README lists what the proxy speaks.
/// </summary>
public static class MastodonProxyEndpoints
{
    /// <summary>Mastodon's PostStatusService::MIN_SCHEDULE_OFFSET: a scheduled status is at least this far ahead.</summary>
    public static readonly TimeSpan MinScheduleOffset = TimeSpan.FromMinutes(5);

    private const string TooSoon = "The scheduled date must be in the future";

    public static void AddServices(IServiceCollection services, ProxyOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<ProxyTokenStore>();
        services.AddSingleton<ProxyIdempotency>();
        services.AddSingleton<ProxyMedia>();
        services.AddSingleton<UpstreamForwarder>();
        services.AddSingleton<StatusAnswer>();
        services.AddSingleton<ProxyOAuth>();
    }

    public static void Map(WebApplication app)
    {
        MastodonErrors.Use(app);
        MapTokens(app);
        ProxyOAuth.Map(app);

        var v1 = app.MapGroup("/api/v1").RequireAuthorization(ProxyAuthentication.Policy).ExcludeFromDescription();
        var v2 = app.MapGroup("/api/v2").RequireAuthorization(ProxyAuthentication.Policy).ExcludeFromDescription();

        // Public on Mastodon; with a token, the limits are those of the token's account's network.
        v1.MapGet("/instance", (HttpContext c, NetworkLimits limits) => Instance(c, limits, v2: false)).AllowAnonymous();
        v2.MapGet("/instance", (HttpContext c, NetworkLimits limits) => Instance(c, limits, v2: true)).AllowAnonymous();

        v1.MapGet("/accounts/verify_credentials", async (HttpContext c, UpstreamForwarder upstream) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            return caller.Account.Publisher.Type == PublisherSettings.Mastodon
                ? await upstream.ForwardAsync(c, caller, write: false, c.RequestAborted)
                : MastodonEntities.Ok(MastodonEntities.Account(caller.Account, StatusAnswer.BaseUrl(c)));
        });

        v1.MapPost("/statuses", CreateStatusAsync);

        v1.MapGet("/scheduled_statuses", async (HttpContext c, PostStore posts, StatusAnswer answer) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            RequireScope(caller, "read:statuses"); // as Mastodon's ScheduledStatusesController
            var limit = int.TryParse(c.Request.Query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 40) : 20;
            var queued = new List<Post>();
            foreach (var status in (PostStatus[])[PostStatus.Scheduled, PostStatus.PendingReview, PostStatus.Held])
            {
                queued.AddRange((await posts.ListAsync(status, caller.Account.Id, 1000, c.RequestAborted)).Where(p => p.Author == caller.User.Name));
            }
            var list = new List<object>();
            foreach (var post in queued.OrderBy(p => p.ScheduledAt).ThenBy(p => p.Id).Take(limit))
            {
                list.Add(await answer.ScheduledAsync(caller, post, c, c.RequestAborted));
            }
            return MastodonEntities.Ok(list);
        });
        v1.MapGet("/scheduled_statuses/{id}", async (string id, HttpContext c, PostStore posts, StatusAnswer answer) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            RequireScope(caller, "read:statuses");
            return MastodonEntities.Ok(await answer.ScheduledAsync(caller, await QueuedAsync(id, caller, posts, c.RequestAborted), c, c.RequestAborted));
        });
        v1.MapPut("/scheduled_statuses/{id}", async (string id, HttpContext c, PostStore posts, PostService service, StatusAnswer answer, TimeProvider time) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            RequireScope(caller, "write:statuses");
            var post = await QueuedAsync(id, caller, posts, c.RequestAborted);
            var request = await ProxyRequest.ReadAsync(c.Request, c.RequestAborted);
            var at = ScheduledAt(request["scheduled_at"], time) ?? throw MastodonRefusal.Unprocessable("Validation failed: Scheduled at can't be blank");
            var moved = await service.RescheduleAsync(post.Id, new ReschedulePost(at.ToString("O")), caller.User, c.RequestAborted);
            c.Response.Headers[StatusAnswer.Header] = PostTransitions.Name(moved.Status);
            return MastodonEntities.Ok(await answer.ScheduledAsync(caller, moved, c, c.RequestAborted));
        });
        v1.MapDelete("/scheduled_statuses/{id}", async (string id, HttpContext c, PostStore posts, PostService service) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            RequireScope(caller, "write:statuses");
            var post = await QueuedAsync(id, caller, posts, c.RequestAborted);
            await service.CancelAsync(post.Id, caller.User, c.RequestAborted);
            return MastodonEntities.Ok(new { }); // Mastodon's render_empty: 200 {}
        });

        v2.MapPost("/media", UploadAsync).DisableAntiforgery();
        v1.MapPost("/media", UploadAsync).DisableAntiforgery(); // Mastodon's older upload, still used by scripts
        v1.MapGet("/media/{id}", async (string id, HttpContext c, ProxyMedia media) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            RequireScope(caller, "write:media"); // Mastodon's MediaController asks write:media for reading an upload too
            var found = await media.GetAsync(id, caller.User.Name, c.RequestAborted) ?? throw new MastodonRefusal(StatusCodes.Status404NotFound, MastodonErrors.NotFound);
            return MastodonEntities.Ok(MastodonEntities.MediaAttachment(found.Item, found.Description, StatusAnswer.BaseUrl(c)));
        });
        v1.MapPut("/media/{id}", async (string id, HttpContext c, ProxyMedia media) =>
        {
            var caller = ProxyAuthentication.Caller(c);
            RequireScope(caller, "write:media");
            var request = await ProxyRequest.ReadAsync(c.Request, c.RequestAborted);
            var (item, description) = await media.DescribeAsync(id, caller.User.Name, request["description"], c.RequestAborted);
            return MastodonEntities.Ok(MastodonEntities.MediaAttachment(item, description, StatusAnswer.BaseUrl(c)));
        }).DisableAntiforgery();

        // Reads a full client needs, forwarded with the account's credentials.
        foreach (var path in (string[])["/timelines/home", "/timelines/public", "/timelines/tag/{tag}", "/notifications", "/notifications/{id}",
            "/accounts/{id}", "/accounts/{id}/statuses", "/accounts/{id}/followers", "/accounts/{id}/following", "/accounts/relationships",
            "/accounts/lookup", "/statuses/{id}", "/statuses/{id}/context", "/custom_emojis", "/preferences", "/markers"])
        {
            v1.MapGet(path, Forward(write: false));
        }
        v2.MapGet("/search", Forward(write: false));
        // Outgoing acts that are not posts: forwarded unless a freeze covers the account, and audited.
        foreach (var path in (string[])["/statuses/{id}/reblog", "/statuses/{id}/unreblog", "/statuses/{id}/favourite", "/statuses/{id}/unfavourite",
            "/accounts/{id}/follow", "/accounts/{id}/unfollow"])
        {
            v1.MapPost(path, Forward(write: true)).DisableAntiforgery();
        }
    }

    private static Func<HttpContext, UpstreamForwarder, Task<IResult>> Forward(bool write) =>
        (c, upstream) => upstream.ForwardAsync(c, ProxyAuthentication.Caller(c), write, c.RequestAborted);

    /// <summary><c>/api/accounts/{id}/proxy-tokens</c>: the gateway's own API, for editors of the account and admins.</summary>
    private static void MapTokens(WebApplication app)
    {
        var tokens = app.MapGroup("/api/accounts/{id}/proxy-tokens").RequireAuthorization(Policies.Editor);
        tokens.MapPost("/", async (string id, Api.TokenEndpoints.CreateToken request, ProxyTokenStore store, System.Security.Claims.ClaimsPrincipal user, HttpResponse response, CancellationToken ct) =>
        {
            var (token, secret) = await store.CreateAsync(user.ToUser(), id, request.Name, cancellationToken: ct);
            response.Headers.CacheControl = "no-store";
            return Results.Created($"/api/accounts/{id}/proxy-tokens/{token.Id}", new { token.Id, token.Account, token.User, token.Name, token.CreatedAt, token = secret });
        }).WithDescription("A Mastodon access token for this account and the calling user (shown once, stored hashed): point a Mastodon client at the gateway with it.");
        tokens.MapGet("/", async (string id, ProxyTokenStore store, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(user.ToUser(), id, ct)));
        tokens.MapDelete("/{tokenId}", async (string id, string tokenId, ProxyTokenStore store, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct) =>
        {
            await store.RevokeAsync(user.ToUser(), id, tokenId, ct);
            return Results.NoContent();
        });
    }

    private static IResult Instance(HttpContext context, NetworkLimits limits, bool v2)
    {
        // Public: with a token, the account's own network sets the limits; without, Mastodon's.
        var network = ProxyAuthentication.TryCaller(context)?.Account.Network ?? PublisherSettings.Mastodon;
        var configuration = MastodonEntities.Configuration(limits.For(network), v2);
        var host = context.Request.Host.Value ?? "localhost";
        var description = $"CrisisGateway: every status is checked, reviewed where needed and held during a freeze before it goes to {network}.";
        return MastodonEntities.Ok(v2
            ? new
            {
                domain = host, title = "CrisisGateway", version = MastodonEntities.Version, source_url = "https://github.com/", description,
                usage = new { users = new { active_month = 0 } },
                thumbnail = new { url = "" }, languages = new[] { "en" },
                configuration,
                registrations = new { enabled = false, approval_required = true, message = (string?)null },
                api_versions = new { mastodon = 2 },
                contact = new { email = "", account = (object?)null }, rules = Array.Empty<object>(),
            }
            : new
            {
                uri = host, title = "CrisisGateway", short_description = description, description, email = "", version = MastodonEntities.Version,
                urls = new { streaming_api = "" }, stats = new { user_count = 0, status_count = 0, domain_count = 0 },
                thumbnail = (string?)null, languages = new[] { "en" }, registrations = false, approval_required = true, invites_enabled = false,
                configuration, contact_account = (object?)null, rules = Array.Empty<object>(),
            });
    }

    private static async Task<IResult> CreateStatusAsync(HttpContext c, PostService service, ProxyIdempotency idempotency, ProxyMedia media, StatusAnswer answer, PostStore posts,
        TimeProvider time)
    {
        var caller = ProxyAuthentication.Caller(c);
        RequireScope(caller, "write:statuses");
        var request = await ProxyRequest.ReadAsync(c.Request, c.RequestAborted);
        var key = c.Request.Headers["Idempotency-Key"].ToString();
        var scheduledAt = ScheduledAt(request["scheduled_at"], time);
        if (key.Length > 0 && await idempotency.ClaimAsync(caller, key, c.RequestAborted) is { } earlier && await posts.GetAsync(earlier, c.RequestAborted) is { } made)
        {
            return await answer.ForAsync(c, caller, made with { Frozen = null }, scheduledAt is not null, c.RequestAborted);
        }
        Post post;
        try
        {
            var body = Body(request, caller.Account);
            var images = await MediaAsync(request, caller, media, c.RequestAborted);
            // A status for "now" that needs review gets the review window (Gateway:ReviewWindow), as any post for now.
            post = await service.SubmitAsync(new SubmitPost(caller.Account.Id, body, scheduledAt?.ToString("O"), Media: images), caller.User, c.RequestAborted);
            if (key.Length > 0)
            {
                await idempotency.CompleteAsync(caller, key, post.Id, c.RequestAborted);
            }
        }
        catch when (key.Length > 0)
        {
            await idempotency.ReleaseAsync(caller, key); // nothing was made: the key is free for the corrected request
            throw;
        }
        return await answer.ForAsync(c, caller, post, scheduledAt is not null, c.RequestAborted);
    }

    /// <summary>The status text, refused where a Mastodon feature would be silently lost on the way through the gateway.</summary>
    private static string? Body(ProxyRequest request, Account account)
    {
        if (request["spoiler_text"] is not null)
        {
            throw MastodonRefusal.Unprocessable("Content warnings (spoiler_text) are not supported: the gateway's checks and reviewers see the text exactly as it goes out. Write the warning into the text.");
        }
        if (request["visibility"] is { } visibility && visibility != "public")
        {
            throw MastodonRefusal.Unprocessable($"The gateway publishes public statuses only; visibility '{visibility}' is not supported.");
        }
        if (request["in_reply_to_id"] is not null || request.Has("poll") || request.Has("poll[options]") || request.IsTrue("sensitive"))
        {
            throw MastodonRefusal.Unprocessable("Replies, polls and sensitive media are not supported through the gateway: it publishes standalone public statuses.");
        }
        if (request["language"] is { } language && !account.Language.Split('-')[0].Equals(language.Split('-')[0], StringComparison.OrdinalIgnoreCase))
        {
            throw MastodonRefusal.Unprocessable($"Account '{account.Id}' posts in {account.Language}; language '{language}' is another account's job.");
        }
        return request["status"];
    }

    private static async Task<IReadOnlyList<MediaRequest?>?> MediaAsync(ProxyRequest request, ProxyCaller caller, ProxyMedia media, CancellationToken ct)
    {
        var ids = request.All("media_ids").Where(i => i.Length > 0).ToArray();
        if (ids.Length == 0)
        {
            return null;
        }
        var images = new List<MediaRequest?>();
        foreach (var id in ids)
        {
            var found = await media.GetAsync(id, caller.User.Name, ct) ?? throw MastodonRefusal.Unprocessable("Validation failed: Media attachments are invalid");
            images.Add(new MediaRequest(found.Item.Id, found.Description));
        }
        return images;
    }

    private static async Task<IResult> UploadAsync(HttpContext c, ProxyMedia media, Media.MediaStore store, GatewayOptions options)
    {
        var caller = ProxyAuthentication.Caller(c);
        RequireScope(caller, "write:media");
        var form = await Api.MediaEndpoints.ReadFormAsync(c.Request, store, options, c.RequestAborted);
        var file = form.Files.GetFile("file") ?? throw MastodonRefusal.Unprocessable("Validation failed: File can't be blank");
        var (item, description) = await media.UploadAsync(file, form["description"].ToString(), caller.User.Name, c.RequestAborted);
        // Processed at once (cleaned and stored before this answer): 200 with its url, never 202 with url null.
        return MastodonEntities.Ok(MastodonEntities.MediaAttachment(item, description, StatusAnswer.BaseUrl(c)));
    }

    /// <summary>A queued post of this user on this account, by its gateway id; anything else is Mastodon's 404.</summary>
    private static async Task<Post> QueuedAsync(string id, ProxyCaller caller, PostStore posts, CancellationToken ct) =>
        await posts.GetAsync(id, ct) is { } post && post.Author == caller.User.Name && post.Account == caller.Account.Id && StatusAnswer.Queued(post)
            ? post
            : throw new MastodonRefusal(StatusCodes.Status404NotFound, MastodonErrors.NotFound);

    /// <summary><c>scheduled_at</c>, at least five minutes ahead as Mastodon requires; null for "now".</summary>
    private static DateTimeOffset? ScheduledAt(string? text, TimeProvider time)
    {
        if (text is null)
        {
            return null;
        }
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
        {
            throw MastodonRefusal.Unprocessable($"Validation failed: Scheduled at '{text}' is not a time (ISO 8601, e.g. {time.GetUtcNow().AddHours(1):yyyy-MM-ddTHH:mm:ssZ})");
        }
        return at <= time.GetUtcNow() + MinScheduleOffset ? throw MastodonRefusal.Unprocessable(TooSoon) : at;
    }

    private static void RequireScope(ProxyCaller caller, string scope)
    {
        if (!caller.Allows(scope))
        {
            throw new MastodonRefusal(StatusCodes.Status403Forbidden, "This action is outside the authorized scopes");
        }
    }
}
