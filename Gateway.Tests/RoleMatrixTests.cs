using System.Net;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests;

/// <summary>
/// Who gets through where, for every endpoint and every page handler the app maps: the rows come from the app's
/// own endpoint list, so a new endpoint without a row fails, and the expectations are written down by hand here,
/// never computed from the policies under test.
/// </summary>
public sealed partial class RoleMatrixTests : IAsyncLifetime
{
    // The columns, in order: not signed in; an editor of the post's account (its author); an editor of another
    // account only; a reviewer; an admin. 'y' gets through (any answer but a refusal), '-' is refused: 401 when not
    // signed in, else 403 (pages: sent to /signin or /forbidden, or 403 from the handler).
    private static readonly string[] Roles = ["anonymous", "editor", "outsider", "reviewer", "admin"];

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["GET /health"] = "yyyyy",
        ["GET /health/live"] = "yyyyy",
        ["GET /health/ready"] = "yyyyy",
        ["GET /metrics"] = "yyyyy",
        ["GET /openapi/v1.json"] = "yyyyy",
        ["GET /docs/{documentName?}"] = "yyyyy",
        ["GET /docs/scalar.js"] = "yyyyy",
        ["GET /docs/scalar.aspnetcore.js"] = "yyyyy",
        ["GET /docs/favicon.svg"] = "yyyyy",
        ["GET /api/me"] = "-yyyy",
        ["POST /api/users"] = "----y",
        ["GET /api/users"] = "----y",
        ["DELETE /api/users/{name}"] = "----y",
        ["GET /api/tokens"] = "-yyyy", // their own; other users' only for admins (ApiTokenTests)
        ["POST /api/tokens"] = "-yyyy",
        ["DELETE /api/tokens/{id}"] = "-yyyy",
        ["GET /api/accounts"] = "-yyyy",
        ["GET /api/accounts/{id}"] = "-yyyy",
        ["POST /api/accounts"] = "----y",
        ["PUT /api/accounts/{id}"] = "----y",
        ["POST /api/accounts/{id}/test"] = "----y",
        ["POST /api/posts"] = "-y--y",
        ["GET /api/posts"] = "-yyyy", // an outsider gets a list, of their own accounts' posts only
        ["GET /api/posts/{id}"] = "-y-yy",
        ["PUT /api/posts/{id}"] = "-y--y",
        ["POST /api/posts/{id}/reschedule"] = "-y--y",
        ["POST /api/posts/{id}/submit"] = "-y--y",
        ["GET /api/groups/{id}"] = "-y-yy",
        ["DELETE /api/posts/{id}"] = "-y--y",
        ["POST /api/posts/{id}/reviews"] = "---yy",
        ["GET /api/posts/{id}/reviews"] = "-y-yy",
        ["POST /api/posts/{id}/override"] = "----y",
        ["POST /api/posts/{id}/comments"] = "-y-yy",
        ["GET /api/posts/{id}/comments"] = "-y-yy",
        ["GET /api/reviews"] = "---yy",
        ["GET /api/trends"] = "-yyyy",
        ["POST /api/trends"] = "----y",
        ["DELETE /api/trends/{tag}"] = "----y",
        ["POST /api/check"] = "-y--y",
        ["POST /api/media"] = "-yy-y", // every editor uploads; an image belongs to no account until a post uses it
        ["GET /api/media/{id}"] = "-yyyy",
        ["GET /media/{id}"] = "-yyyy",
        ["GET /api/freeze"] = "-yyyy",
        ["POST /api/freeze"] = "----y",
        ["DELETE /api/freeze"] = "----y",
        ["DELETE /api/freeze/{id}"] = "----y",
        ["POST /api/posts/release"] = "----y",
        ["POST /api/posts/cancel"] = "----y",
        ["GET /api/incidents"] = "----y",
        ["GET /api/incidents/{id}"] = "----y",
        ["GET /api/audit"] = "----y",
        ["GET /api/notifications"] = "-yyyy", // everyone signed in, each their own
        ["POST /api/notifications/{id:long}/read"] = "-yyyy",
        ["POST /api/notifications/read-all"] = "-yyyy",

        // The Mastodon proxy (ProxyAccessTests has its roles): a gateway API token is no proxy token, so every role is
        // refused with 401 here; what is public on Mastodon (instance, app registration, the token exchange) is public.
        ["GET /api/v1/instance"] = "yyyyy",
        ["GET /api/v2/instance"] = "yyyyy",
        ["POST /api/v1/apps"] = "yyyyy",
        ["POST /oauth/token"] = "yyyyy",
        ["POST /oauth/revoke"] = "-----", // needs the app's client_id and client_secret, whoever asks
        ["GET /api/v1/accounts/verify_credentials"] = "-----",
        ["POST /api/v1/statuses"] = "-----",
        ["GET /api/v1/scheduled_statuses"] = "-----",
        ["GET /api/v1/scheduled_statuses/{id}"] = "-----",
        ["PUT /api/v1/scheduled_statuses/{id}"] = "-----",
        ["DELETE /api/v1/scheduled_statuses/{id}"] = "-----",
        ["POST /api/v2/media"] = "-----",
        ["POST /api/v1/media"] = "-----",
        ["GET /api/v1/media/{id}"] = "-----",
        ["PUT /api/v1/media/{id}"] = "-----",
        ["GET /api/v1/timelines/home"] = "-----",
        ["GET /api/v1/timelines/public"] = "-----",
        ["GET /api/v1/timelines/tag/{tag}"] = "-----",
        ["GET /api/v1/notifications"] = "-----",
        ["GET /api/v1/notifications/{id}"] = "-----",
        ["GET /api/v1/accounts/{id}"] = "-----",
        ["GET /api/v1/accounts/{id}/statuses"] = "-----",
        ["GET /api/v1/accounts/{id}/followers"] = "-----",
        ["GET /api/v1/accounts/{id}/following"] = "-----",
        ["GET /api/v1/accounts/relationships"] = "-----",
        ["GET /api/v1/accounts/lookup"] = "-----",
        ["GET /api/v1/statuses/{id}"] = "-----",
        ["GET /api/v1/statuses/{id}/context"] = "-----",
        ["GET /api/v1/custom_emojis"] = "-----",
        ["GET /api/v1/preferences"] = "-----",
        ["GET /api/v1/markers"] = "-----",
        ["GET /api/v2/search"] = "-----",
        ["POST /api/v1/statuses/{id}/reblog"] = "-----",
        ["POST /api/v1/statuses/{id}/unreblog"] = "-----",
        ["POST /api/v1/statuses/{id}/favourite"] = "-----",
        ["POST /api/v1/statuses/{id}/unfavourite"] = "-----",
        ["POST /api/v1/accounts/{id}/follow"] = "-----",
        ["POST /api/v1/accounts/{id}/unfollow"] = "-----",
        ["POST /api/accounts/{id}/proxy-tokens"] = "-y--y",
        ["GET /api/accounts/{id}/proxy-tokens"] = "-y--y",
        ["DELETE /api/accounts/{id}/proxy-tokens/{tokenId}"] = "-y--y",

        ["GET /"] = "-yyyy", // everyone signed in; an outsider sees their own accounts' posts only
        ["GET /posts/{id}"] = "-y-yy",
        ["POST /posts/{id}?handler=Review"] = "---yy",
        ["POST /posts/{id}?handler=Comment"] = "-y-yy",
        ["POST /posts/{id}?handler=Cancel"] = "-y--y",
        ["POST /posts/{id}?handler=Submit"] = "-y--y",
        ["POST /?handler=Move"] = "-y--y",
        ["POST /posts/{id}?handler=Override"] = "----y",
        ["GET /compose/{id?}"] = "-y--y", // with the post's id: its edit form
        ["POST /compose/{id?}"] = "-y--y",
        ["POST /compose/{id?}?handler=Check"] = "-y--y",
        ["GET /reviews"] = "---yy",
        ["GET /hashtags/{tag}"] = "-yyyy", // what a tag is about: public posts, for everyone who writes or judges posts
        ["GET /crisis"] = "----y",
        ["POST /crisis?handler=Freeze"] = "----y",
        ["POST /crisis?handler=Unfreeze"] = "----y",
        ["POST /crisis?handler=Release"] = "----y",
        ["POST /crisis?handler=Cancel"] = "----y",
        ["GET /admin/users"] = "----y",
        ["POST /admin/users?handler=Create"] = "----y",
        ["POST /admin/users?handler=Disable"] = "----y",
        ["GET /admin/accounts"] = "----y",
        ["POST /admin/accounts?handler=Create"] = "----y",
        ["POST /admin/accounts?handler=Update"] = "----y",
        ["POST /admin/accounts?handler=Test"] = "----y",
        ["GET /admin/connect/{id}"] = "----y",
        ["GET /admin/connect/callback"] = "----y",
        ["GET /admin/trends"] = "----y",
        ["POST /admin/trends?handler=Push"] = "----y",
        ["POST /admin/trends?handler=Delete"] = "----y",
        ["GET /admin/audit"] = "----y",
        ["GET /incidents/{id}"] = "----y",
        ["GET /incidents/{id}?handler=Markdown"] = "----y",
        ["GET /notifications"] = "-yyyy",
        ["POST /notifications?handler=Read"] = "-yyyy",
        ["POST /notifications?handler=ReadAll"] = "-yyyy",
        ["GET /signin"] = "yyyyy",
        ["POST /signin"] = "yyyyy",
        ["POST /signin?handler=Sso"] = "yyyyy", // 404 here: this gateway has no single sign-on
        ["GET /signin/refused"] = "-----", // like /forbidden: it answers 403 to whoever single sign-on sends there
        ["GET /tokens"] = "-yyyy",
        ["POST /tokens?handler=Create"] = "-yyyy",
        ["POST /tokens?handler=Revoke"] = "-yyyy",
        ["GET /signout"] = "-yyyy",
        ["POST /signout"] = "-yyyy",
        ["GET /forbidden"] = "-----", // the refusal page itself: it answers 403 to whoever is sent there
        ["GET /oauth/authorize"] = "-yy-y", // editors and admins: a proxy token posts (without a valid app: the page says why)
        ["POST /oauth/authorize?handler=Approve"] = "-yy-y",
        ["POST /oauth/authorize?handler=Deny"] = "-yy-y",
        ["GET /proxy-tokens"] = "-yy-y",
        ["POST /proxy-tokens?handler=Create"] = "-yy-y",
        ["POST /proxy-tokens?handler=Revoke"] = "-yy-y",
    };

    private readonly TestGateway _gateway = new();
    private readonly Dictionary<string, string> _tokens = [];
    private HttpClient _admin = null!;
    private string _walkInToken = "";
    private string _group = "";

    public async Task InitializeAsync()
    {
        foreach (var (role, name, kind) in new[] { ("editor", "eve", Role.Editor), ("outsider", "otto", Role.Editor), ("reviewer", "rita", Role.Reviewer), ("admin", "root", Role.Admin) })
        {
            _tokens[role] = (await _gateway.Service<UserStore>().CreateAsync(name, kind, "test")).Token;
        }
        _walkInToken = (await _gateway.Service<UserStore>().CreateAsync("walk-in", Role.Editor, "test")).Token;
        _admin = _gateway.ClientWithToken(_tokens["admin"]);
        await _admin.CreateAccountAsync("acme", editors: ["eve"]);
        await _admin.CreateAccountAsync("other", editors: ["otto"]);
        var group = await _admin.PostJsonAsync("/api/posts", new { accounts = new[] { "acme" }, body = "Hello group", scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") });
        _group = (await group.ReadJsonAsync()).GetProperty("group").GetString()!;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Every_endpoint_and_page_handler_the_app_maps_has_a_row_and_every_row_is_mapped()
    {
        var mapped = (await MappedAsync()).Select(r => r.Key).ToHashSet();
        Assert.True(mapped.Count > 50, $"only {mapped.Count} endpoints found: is the endpoint list read from the right place?");
        var missing = mapped.Except(Expected.Keys).Order().ToArray();
        var stale = Expected.Keys.Except(mapped).Order().ToArray();
        Assert.True(missing.Length == 0 && stale.Length == 0,
            $"Mapped without a row in the matrix: {string.Join(", ", missing)}. Rows for nothing mapped: {string.Join(", ", stale)}.");
    }

    [Fact]
    public async Task Every_role_gets_through_exactly_where_the_matrix_says()
    {
        var wrong = new List<string>();
        foreach (var route in await MappedAsync())
        {
            if (!Expected.TryGetValue(route.Key, out var expected))
            {
                continue; // reported by the test above
            }
            // A post of its own per row, so that what one row's admin did (cancel, override) is not what the next row meets.
            var post = (await _gateway.ClientWithToken(_tokens["editor"]).SubmitAsync("acme", "Hello", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
            var url = Url(route, post);
            for (var i = 0; i < Roles.Length; i++)
            {
                var allowed = expected[i] == 'y';
                var response = route.IsPage ? await SendToPageAsync(route, url, Roles[i]) : await SendToApiAsync(route, url, _tokens.GetValueOrDefault(Roles[i]));
                await CollectAsync(wrong, route, Roles[i], allowed, response);
                if (Roles[i] == "anonymous")
                {
                    // A token that is not one is treated as no token at all.
                    var badToken = await SendToApiAsync(route, url, "cg_not-a-real-token");
                    await CollectAsync(wrong, route, "bad-token", allowed, badToken);
                }
            }
        }
        Assert.True(wrong.Count == 0, "Not as the matrix says:\n" + string.Join("\n", wrong));
    }

    private static async Task CollectAsync(List<string> wrong, Route route, string role, bool allowed, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        var target = WebSession.RedirectTarget(response);
        // Cookie sign-in sends refusals to /signin or /forbidden with a ReturnUrl; signing out goes to /signin plainly.
        var refused = status is 401 or 403 || status == 302 && target is not null
            && (target.StartsWith("/signin?", StringComparison.Ordinal) || target.StartsWith("/forbidden?", StringComparison.Ordinal))
            && target.Contains("ReturnUrl=", StringComparison.Ordinal);
        var signedIn = role is not ("anonymous" or "bad-token");
        var what = $"{route.Key} as {role}: {status}{(target is null ? "" : " → " + target)}";
        if (status >= 500)
        {
            wrong.Add($"{what} (a 5xx)");
        }
        else if (refused == allowed)
        {
            wrong.Add($"{what}, expected {(allowed ? "to get through" : "a refusal")}");
        }
        else if (!allowed && !route.IsPage && (route.Path.StartsWith("/api/v", StringComparison.Ordinal) || route.Path.StartsWith("/oauth/", StringComparison.Ordinal)))
        {
            // The Mastodon proxy takes proxy tokens (or an OAuth client) only: an API token is no token there, and
            // refusals are Mastodon's {"error": "…"}.
            var mastodon = response.Content.Headers.ContentType?.MediaType == "application/json"
                && !string.IsNullOrWhiteSpace((await response.ReadJsonAsync()).GetProperty("error").GetString());
            if (status != 401 || !mastodon)
            {
                wrong.Add($"{what}, expected 401 with Mastodon's error format");
            }
        }
        else if (!allowed && !route.IsPage)
        {
            // The API refuses with a problem a person can read: 401 for no sign-in, 403 for a role or account.
            var expectedStatus = signedIn ? 403 : 401;
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                && !string.IsNullOrWhiteSpace((await response.ReadJsonAsync()).GetProperty("detail").GetString());
            if (status != expectedStatus || !problem)
            {
                wrong.Add($"{what}, expected {expectedStatus} with problem details");
            }
        }
    }

    private async Task<HttpResponseMessage> SendToApiAsync(Route route, string url, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(route.Method), url);
        if (route.Method is "POST" or "PUT" or "DELETE")
        {
            // Enough for every endpoint to get past its body; harmless where it gets through (the editors of 'acme' stay).
            request.Content = route.IsPage ? new FormUrlEncodedContent(PageFields()) : Support.Api.JsonContent(new
            {
                reason = "role matrix", account = "acme", body = "Hello again", scheduledAt = DateTimeOffset.UtcNow.AddDays(2).ToString("O"),
                name = "newbie", role = "editor", id = "acme", network = "x", kind = "brand", language = "en", editors = new[] { "eve" },
                text = "A comment", verdict = "approve",
            });
        }
        using var client = _gateway.ClientWithToken(token);
        return await client.SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendToPageAsync(Route route, string url, string role)
    {
        // A new session each time: a row that signs out must not sign out the rows after it.
        using var session = role == "anonymous" ? WebSession.Anonymous(_gateway) : await WebSession.SignInAsync(_gateway, _tokens[role]);
        return route.Method == "GET"
            ? await session.GetAsync(url)
            : await session.PostFormAsync(url, PageFields(), formPage: role == "anonymous" ? "/signin" : "/");
    }

    /// <summary>The fields any page form might read; where a form gets through it does no harm to the rows after it.</summary>
    private KeyValuePair<string, string>[] PageFields() =>
    [
        new("token", _walkInToken), new("text", "A comment"), new("verdict", "approve"), new("comment", "Fine"),
        new("reason", "role matrix check"), new("body", "Hello again"), new("user", "nobody"), new("trend", "nothing"),
    ];

    private string Url(Route route, string post) => Parameter().Replace(route.Path, m => m.Groups[1].Value switch
    {
        "id" when route.Path.StartsWith("/api/accounts/", StringComparison.Ordinal) => "acme",
        "id" when route.Path.StartsWith("/api/groups/", StringComparison.Ordinal) => _group,
        "id" when route.Path.StartsWith("/api/notifications/", StringComparison.Ordinal) => "1",
        "id" when route.Path.Contains("posts/", StringComparison.Ordinal) || route.Path.StartsWith("/compose/", StringComparison.Ordinal) => post,
        _ => "nothing-here",
    }) + (route.Handler is null ? "" : "?handler=" + route.Handler)
        // The calendar's move names its post and time in the form; here in the query, which the handler reads as well.
        + (route is { Path: "/", Handler: "Move" } ? $"&id={post}&to=2031-01-06T10:00" : "");

    [GeneratedRegex(@"\{(\w+)(?::\w+)?\??\}")]
    private static partial Regex Parameter();

    private sealed record Route(string Method, string Path, string? Handler, bool IsPage)
    {
        public string Key => $"{Method} {Path}{(Handler is null ? "" : "?handler=" + Handler)}";
    }

    /// <summary>Every route the app maps: API endpoints with their methods, and each Razor page with each of its handlers.</summary>
    private async Task<IReadOnlyList<Route>> MappedAsync()
    {
        var loader = _gateway.Services.GetRequiredService<PageLoader>();
        var routes = new List<Route>();
        foreach (var endpoint in _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + (endpoint.RoutePattern.RawText ?? "").Trim('/');
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await loader.LoadAsync(page, endpoint.Metadata);
                // A page answers GET with or without an OnGet handler.
                routes.Add(new Route("GET", path, null, IsPage: true));
                routes.AddRange(compiled.HandlerMethods.Where(h => !(h.HttpMethod.Equals("GET", StringComparison.OrdinalIgnoreCase) && h.Name is null))
                    .Select(h => new Route(h.HttpMethod.ToUpperInvariant(), path, h.Name, IsPage: true)));
            }
            else if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods)
            {
                routes.AddRange(methods.HttpMethods.Select(m => new Route(m, path, null, IsPage: false)));
            }
            else
            {
                routes.Add(new Route("ANY", path, null, IsPage: false)); // something this test does not know how to call: no row can match it
            }
        }
        return routes;
    }
}
