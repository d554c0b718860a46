using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Auth;
using Gateway.Freeze;
using Gateway.Storage;
using Gateway.Posts;
using Gateway.Reviews;
using Gateway.Trends;
using Gateway.Users;
using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Api;

/// <summary>The HTTP API. Handlers only translate: the rules live in the services they call.</summary>
public static class Endpoints
{
    public sealed record CreateUser(string? Name, string? Role);
    public sealed record ReasonRequest(string? Reason);
    public sealed record FreezeRequest(string? Reason, IReadOnlyList<string>? Accounts);
    public sealed record Unfrozen(bool Frozen, Freeze.Freeze Lifted, IReadOnlyList<string> Held, IReadOnlyList<Freeze.Freeze> Freezes);

    public static void Map(WebApplication app)
    {
        // Readiness for a load balancer: 503 while this node cannot reach the database or its scheduler is not running.
        app.MapGet("/health", async (FreezeStore freezes, Rules.Packs.IRulePackSource packs, Cluster.ClusterNodes nodes, Quartz.ISchedulerFactory schedulers,
            ISqlDialect dialect, GatewayOptions options, CancellationToken ct) =>
        {
            var rules = packs.Status;
            var scheduler = await schedulers.GetScheduler(ct);
            var running = scheduler.Status == Quartz.SchedulerStatus.Running;
            var schedulerState = new { running, clustered = dialect.Clustered, instance = scheduler.SchedulerInstanceId };
            try
            {
                var frozen = (await freezes.GetAsync(ct)).Frozen;
                var members = await nodes.ListAsync(ct);
                return Results.Json(new
                {
                    status = running ? "ok" : "starting",
                    frozen,
                    database = new { status = "ok", provider = options.Database.Provider },
                    scheduler = schedulerState,
                    cluster = new { node = nodes.Self, nodes = members.Select(n => new { n.Id, n.Live, n.SeenAt }) },
                    rules = new { rules.LoadedAt, error = rules.Error is { } e ? options.Describe(e) : null },
                }, statusCode: running ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            }
            catch (System.Data.Common.DbException e)
            {
                return Results.Json(new
                {
                    status = "unavailable",
                    database = new { status = "unreachable", provider = options.Database.Provider, problem = e.Message },
                    scheduler = schedulerState,
                    cluster = new { node = nodes.Self },
                }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous();

        var api = app.MapGroup("/api");

        MediaEndpoints.Map(app);

        api.MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new { name = user.Identity!.Name, role = user.FindFirstValue(ClaimTypes.Role) }));

        var users = api.MapGroup("/users").RequireAuthorization(Policies.Admin);
        users.MapPost("/", async (CreateUser request, UserStore store, ClaimsPrincipal actor, CancellationToken ct) =>
        {
            var (user, token) = await store.CreateAsync(request.Name ?? "", request.Role ?? "", actor.Identity!.Name!, ct);
            return TypedResults.Created($"/api/users/{user.Name}", new { user.Name, user.Role, user.CreatedAt, token });
        });
        users.MapGet("/", async (UserStore store, CancellationToken ct) => TypedResults.Ok(await store.ListAsync(ct)));
        users.MapDelete("/{name}", async (string name, UserStore store, ClaimsPrincipal actor, CancellationToken ct) =>
        {
            await store.DisableAsync(name, actor.Identity!.Name!, ct);
            return TypedResults.NoContent();
        });

        TokenEndpoints.Map(api);

        var accounts = api.MapGroup("/accounts");
        accounts.MapGet("/", async (AccountStore store, CancellationToken ct) => TypedResults.Ok((await store.ListAsync(ct)).Select(AccountView.Of)));
        accounts.MapGet("/{id}", async (string id, AccountStore store, CancellationToken ct) =>
            await store.GetAsync(id, ct) is { } account ? TypedResults.Ok(AccountView.Of(account)) : throw ProblemException.NotFound($"No account with id '{id}'."));
        accounts.MapPost("/", async (AccountRequest request, AccountStore store, ClaimsPrincipal actor, CancellationToken ct) =>
        {
            var account = await store.SaveAsync(request.Id ?? "", request, create: true, actor.Identity!.Name!, ct);
            return TypedResults.Created($"/api/accounts/{account.Id}", AccountView.Of(account));
        }).RequireAuthorization(Policies.Admin);
        accounts.MapPut("/{id}", async (string id, AccountRequest request, AccountStore store, ClaimsPrincipal actor, CancellationToken ct) =>
            TypedResults.Ok(AccountView.Of(await store.SaveAsync(id, request, create: false, actor.Identity!.Name!, ct)))).RequireAuthorization(Policies.Admin);
        accounts.MapPost("/{id}/test", async (string id, ConnectFlow connect, AccountStore store, CancellationToken ct) =>
        {
            var identity = await connect.TestAsync(id, ct);
            return TypedResults.Ok(new { identity, account = AccountView.Of((await store.GetAsync(id, ct))!) });
        }).RequireAuthorization(Policies.Admin);

        var posts = api.MapGroup("/posts");
        posts.MapPost("/", async (SubmitPost request, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
        {
            if (request.Accounts is not null)
            {
                var group = await service.SubmitGroupAsync(request, user.ToUser(), ct);
                return Results.Created($"/api/groups/{group.Group}", group);
            }
            var post = await service.SubmitAsync(request, user.ToUser(), ct);
            return TypedResults.Created($"/api/posts/{post.Id}", post);
        }).Produces<Post>(StatusCodes.Status201Created)
        .WithDescription("One account (`account`): `201` with the post. Several (`accounts`): `201` with `{group, posts}` (PostGroup), one post per account.")
        .RequireAuthorization(Policies.Editor);
        posts.MapGet("/", async (string? status, string? account, string? from, string? to, int? limit, PostStore store, PostAccess access, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await store.ListAsync(status is null ? null : PostTransitions.Parse(status), account, Limit(limit, 100, 1000), ct,
                from is null ? null : Iso8601.Parse(from, "from"), to is null ? null : Iso8601.Parse(to, "to"),
                within: await access.VisibleAccountsAsync(user.ToUser(), account, ct))));
        posts.MapGet("/{id}", async (string id, PostAccess access, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await access.ReadAsync(id, user.ToUser(), ct)));
        posts.MapPut("/{id}", async (string id, EditPost request, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.EditAsync(id, request, user.ToUser(), ct))).RequireAuthorization(Policies.Editor);
        posts.MapPost("/{id}/reschedule", async (string id, ReschedulePost request, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.RescheduleAsync(id, request, user.ToUser(), ct))).RequireAuthorization(Policies.Editor);
        posts.MapDelete("/{id}", async (string id, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.CancelAsync(id, user.ToUser(), ct))).RequireAuthorization(Policies.Editor);

        DraftEndpoints.Map(api);

        posts.MapPost("/{id}/reviews", async (string id, ReviewRequest request, ReviewService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.ReviewAsync(id, request, user.ToUser(), ct))).RequireAuthorization(Policies.Reviewer);
        posts.MapGet("/{id}/reviews", async (string id, ReviewStore store, PostAccess access, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await store.HistoryAsync((await access.ReadAsync(id, user.ToUser(), ct)).Id, ct)));
        posts.MapPost("/{id}/override", async (string id, OverrideRequest request, ReviewService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.OverrideAsync(id, request, user.ToUser(), ct))).RequireAuthorization(Policies.Admin);
        posts.MapPost("/{id}/comments", async (string id, CommentRequest request, ReviewService service, ClaimsPrincipal user, CancellationToken ct) =>
        {
            var comment = await service.CommentAsync(id, request, user.ToUser(), ct);
            return TypedResults.Created($"/api/posts/{id}/comments", comment);
        });
        posts.MapGet("/{id}/comments", async (string id, ReviewStore store, PostAccess access, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await store.CommentsAsync((await access.ReadAsync(id, user.ToUser(), ct)).Id, ct)));
        api.MapGet("/reviews", async (ReviewService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.InboxAsync(user.ToUser(), ct))).RequireAuthorization(Policies.Reviewer);

        var trends = api.MapGroup("/trends");
        trends.MapGet("/", (TrendStore store) => TypedResults.Ok(store.Current));
        trends.MapPost("/", async (TrendsRequest request, TrendStore store, ClaimsPrincipal actor, CancellationToken ct) =>
            TypedResults.Ok(await store.UpsertAsync(request, actor.Identity!.Name!, ct))).RequireAuthorization(Policies.Admin);
        trends.MapDelete("/{tag}", async (string tag, TrendStore store, ClaimsPrincipal actor, CancellationToken ct) =>
        {
            await store.DeleteAsync(tag, actor.Identity!.Name!, ct);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.Admin);

        api.MapPost("/check", async (CheckDraft request, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(new { findings = await service.PreviewAsync(request, user.ToUser(), ct) })).RequireAuthorization(Policies.Editor);

        var freeze = api.MapGroup("/freeze");
        freeze.MapGet("/", async (FreezeStore store, CancellationToken ct) => TypedResults.Ok(await store.GetAsync(ct)));
        freeze.MapPost("/", async (FreezeRequest request, KillSwitch killSwitch, FreezeStore store, ClaimsPrincipal actor, CancellationToken ct) =>
        {
            var created = await killSwitch.FreezeAsync(request.Reason, request.Accounts, actor.Identity!.Name!, ct);
            var state = await store.GetAsync(ct);
            return TypedResults.Ok(new { state.Frozen, state.Since, state.By, state.Reason, freeze = created, state.Freezes });
        }).RequireAuthorization(Policies.Admin);
        freeze.MapDelete("/", async ([FromBody] ReasonRequest request, KillSwitch killSwitch, FreezeStore store, ClaimsPrincipal actor, CancellationToken ct) =>
            TypedResults.Ok(await UnfreezeAsync(null, request, killSwitch, store, actor, ct))).RequireAuthorization(Policies.Admin);
        freeze.MapDelete("/{id}", async (string id, [FromBody] ReasonRequest request, KillSwitch killSwitch, FreezeStore store, ClaimsPrincipal actor, CancellationToken ct) =>
            TypedResults.Ok(await UnfreezeAsync(id, request, killSwitch, store, actor, ct))).RequireAuthorization(Policies.Admin);

        posts.MapPost("/release", async (ReleasePosts request, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.ReleaseAsync(request, user.ToUser(), ct))).RequireAuthorization(Policies.Admin);
        posts.MapPost("/cancel", async (CancelPosts request, PostService service, ClaimsPrincipal user, CancellationToken ct) =>
            TypedResults.Ok(await service.CancelAsync(request, user.ToUser(), ct))).RequireAuthorization(Policies.Admin);

        var incidents = api.MapGroup("/incidents").RequireAuthorization(Policies.Admin);
        incidents.MapGet("/", async (IncidentLog log, CancellationToken ct) => TypedResults.Ok(await log.ListAsync(ct)));
        incidents.MapGet("/{id}", async (string id, string? format, IncidentLog log, CancellationToken ct) =>
        {
            var incident = await log.GetAsync(id, ct) ?? throw ProblemException.NotFound($"No incident with id '{id}'.");
            return format switch
            {
                null or "json" => Results.Ok(incident),
                "markdown" or "md" => Results.Text(incident.ToMarkdown(), "text/markdown; charset=utf-8"),
                _ => throw ProblemException.BadRequest("'format' is json or markdown."),
            };
        }).Produces<Incident>().Produces<string>(StatusCodes.Status200OK, "text/markdown");

        api.MapGet("/audit", async (int? limit, long? before, string? action, string? subject, string? actor, AuditLog audit, CancellationToken ct) =>
        {
            var items = await audit.QueryAsync(Limit(limit, 50, 500), before, action, subject, actor, ct);
            return TypedResults.Ok(new { items, next = items.Count == Limit(limit, 50, 500) ? items[^1].Id : (long?)null });
        }).RequireAuthorization(Policies.Admin);

        NotificationEndpoints.Map(api);
    }

    private static async Task<Unfrozen> UnfreezeAsync(string? id, ReasonRequest request, KillSwitch killSwitch, FreezeStore store, ClaimsPrincipal actor, CancellationToken ct)
    {
        var (lifted, held) = await killSwitch.UnfreezeAsync(id, request.Reason, actor.Identity!.Name!, ct);
        var state = await store.GetAsync(ct);
        return new Unfrozen(state.Frozen, lifted, held, state.Freezes);
    }

    private static int Limit(int? requested, int fallback, int max) => requested switch
    {
        null => fallback,
        < 1 => throw ProblemException.BadRequest("'limit' must be at least 1."),
        _ => Math.Min(requested.Value, max),
    };
}
