using System.Net;
using System.Text.Json;
using Gateway.Notifications;
using Gateway.Posts;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>In-app notifications: who gets which, nobody sees or marks another's, and the bell counts the unread.</summary>
public abstract class NotificationInboxTests(Engine engine) : IAsyncLifetime
{
    private readonly TestGateway _gateway = new(engine: engine);
    private HttpClient _root = null!;
    private HttpClient _eve = null!;
    private HttpClient _rita = null!;
    private HttpClient _rolf = null!;
    private HttpClient _otto = null!;

    public async Task InitializeAsync()
    {
        _root = await _gateway.SignInAsync("root", "admin");
        _eve = await _gateway.SignInAsync("eve", "editor");
        _otto = await _gateway.SignInAsync("otto", "editor");
        _rita = await _gateway.SignInAsync("rita", "reviewer");
        _rolf = await _gateway.SignInAsync("rolf", "reviewer");
        await _root.CreateAccountAsync("acme", editors: ["eve", "otto"]);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_review_request_reaches_the_reviewers_and_the_verdict_reaches_the_author_only()
    {
        var id = (await _eve.SubmitAsync("acme", "Our sale is a massacre of old prices", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        Assert.Equal("pending_review", await _eve.StatusAsync(id));

        // Reviewers and admins hear of it; the author and the other editor do not.
        foreach (var reviewer in new[] { _rita, _rolf, _root })
        {
            Assert.Equal(["review.requested"], Events(await ListAsync(reviewer), id));
        }
        Assert.Empty(Events(await ListAsync(_eve), id));
        Assert.Empty(Events(await ListAsync(_otto), id));

        var post = (await _gateway.Service<PostStore>().GetAsync(id))!;
        var verdict = await _rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "reject", comment = "Not today.", contentHash = post.ContentHash });
        Assert.Equal(HttpStatusCode.OK, verdict.StatusCode);
        Assert.Equal(["post.rejected"], Events(await ListAsync(_eve), id));
        Assert.Empty(Events(await ListAsync(_otto), id));
        Assert.Equal(["review.requested"], Events(await ListAsync(_rita), id));
    }

    [Fact]
    public async Task Approved_held_and_failed_go_to_the_author_and_a_freeze_to_everyone()
    {
        var store = _gateway.Service<PostStore>();
        var id = (await _eve.SubmitAsync("acme", "Our sale is a massacre of old prices", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        var post = (await store.GetAsync(id))!;
        for (var i = 0; i < post.RequiredApprovals; i++)
        {
            var reviewer = new[] { _rita, _rolf }[i];
            Assert.Equal(HttpStatusCode.OK, (await reviewer.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve", contentHash = post.ContentHash })).StatusCode);
        }
        Assert.Equal("scheduled", await _eve.StatusAsync(id));
        await store.ChangeAsync(new PostChange(id, PostStatus.Held, "test", "post.held", "Came due during a freeze.") { ExpectedFrom = PostStatus.Scheduled }, default);
        Assert.Equal(["post.held", "post.approved"], Events(await ListAsync(_eve), id));
        Assert.Empty(Events(await ListAsync(_otto), id));

        var failing = (await _eve.SubmitAsync("acme", "Spring is here.", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
        await store.ChangeAsync(new PostChange(failing, PostStatus.Publishing, "test", "post.publishing", null) { ExpectedFrom = PostStatus.Scheduled }, default);
        await store.ChangeAsync(new PostChange(failing, PostStatus.Failed, "test", "post.failed", "The network said no.") { ExpectedFrom = PostStatus.Publishing }, default);
        Assert.Equal(["post.failed"], Events(await ListAsync(_eve), failing));
        Assert.Empty(Events(await ListAsync(_otto), failing));

        Assert.Equal(HttpStatusCode.OK, (await _root.FreezeAsync("Breaking news")).StatusCode);
        await _root.UnfreezeAsync("All clear");
        foreach (var user in new[] { _root, _eve, _otto, _rita, _rolf })
        {
            var events = (await ListAsync(user)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("event").GetString()!).ToArray();
            Assert.Equal(["unfreeze", "freeze"], events.Where(e => e is "freeze" or "unfreeze").ToArray());
        }
    }

    [Fact]
    public async Task Each_user_reads_and_marks_only_their_own_and_the_bell_counts_the_unread()
    {
        await _root.FreezeAsync("Drill");
        await _root.UnfreezeAsync("Drill over");
        var eve = await ListAsync(_eve);
        Assert.Equal(2, eve.GetProperty("unread").GetInt32());
        var evesFirst = eve.GetProperty("items")[0].GetProperty("id").GetInt64();
        var ottosFirst = (await ListAsync(_otto)).GetProperty("items")[0].GetProperty("id").GetInt64();
        Assert.NotEqual(evesFirst, ottosFirst); // one row per recipient

        // Another's notification is as unknown as a missing one, and marking it changes nothing for its owner.
        var foreign = await _eve.PostAsync($"/api/notifications/{ottosFirst}/read", null);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType!.MediaType);
        Assert.Equal(2, (await ListAsync(_otto)).GetProperty("unread").GetInt32());

        var read = await (await _eve.PostAsync($"/api/notifications/{evesFirst}/read", null)).ReadJsonAsync();
        Assert.NotEqual(JsonValueKind.Null, read.GetProperty("readAt").ValueKind);
        Assert.Equal(1, (await ListAsync(_eve)).GetProperty("unread").GetInt32());
        Assert.Single((await ListAsync(_eve, unread: true)).GetProperty("items").EnumerateArray());

        // The bell in the dashboard shows the same count, per user.
        using (var eveWeb = await WebSession.SignInAsync(_gateway, "eve2", "editor"))
        {
            Assert.Equal("0", Bell(await eveWeb.GetHtmlAsync("/")));
        }
        using var ottoWeb = await WebSession.SignInAsync(_gateway, "otto2", "editor");
        await _root.FreezeAsync("Second drill");
        await _root.UnfreezeAsync("Second drill over");
        var page = await ottoWeb.GetHtmlAsync("/notifications");
        Assert.Equal("2", Bell(page));
        Assert.Equal(2, WebSession.Texts(page, "//li[contains(@class,'notification') and contains(@class,'unread')]").Count);
        Assert.Contains("Notifications: 2 unread", page);

        var markOne = await ottoWeb.PostFormAsync("/notifications?handler=Read",
            [new("id", WebSession.Parse(page).DocumentNode.SelectSingleNode("//input[@name='id']")!.GetAttributeValue("value", ""))]);
        Assert.Equal(HttpStatusCode.Redirect, markOne.StatusCode);
        Assert.Equal("1", Bell(await ottoWeb.GetHtmlAsync("/")));
        // A form naming someone else's notification is refused and marks nothing (eve: one left, two from the second drill).
        var evesUnread = (await ListAsync(_eve, unread: true)).GetProperty("items")[0].GetProperty("id").GetInt64();
        var theirs = await ottoWeb.PostFormAsync("/notifications?handler=Read", [new("id", evesUnread.ToString())], "/notifications");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(3, (await ListAsync(_eve)).GetProperty("unread").GetInt32());

        Assert.Equal(HttpStatusCode.Redirect, (await ottoWeb.PostFormAsync("/notifications?handler=ReadAll", Array.Empty<KeyValuePair<string, string>>(), "/notifications")).StatusCode);
        Assert.Equal("0", Bell(await ottoWeb.GetHtmlAsync("/")));
        Assert.Equal(3, (await ListAsync(_eve)).GetProperty("unread").GetInt32());

        var all = await (await _eve.PostAsync("/api/notifications/read-all", null)).ReadJsonAsync();
        Assert.Equal(3, all.GetProperty("marked").GetInt32());
        Assert.Equal(0, (await ListAsync(_eve)).GetProperty("unread").GetInt32());
    }

    [Fact]
    public async Task Without_a_token_there_are_no_notifications()
    {
        using var anonymous = _gateway.ClientWithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/notifications")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/notifications/read-all", null)).StatusCode);
    }

    private static async Task<JsonElement> ListAsync(HttpClient user, bool unread = false)
    {
        var response = await user.GetAsync(unread ? "/api/notifications?unread=true" : "/api/notifications");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>The events about one post, newest first.</summary>
    private static string[] Events(JsonElement list, string postId) =>
        list.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("postId").ValueKind == JsonValueKind.String && i.GetProperty("postId").GetString() == postId)
            .Select(i => i.GetProperty("event").GetString()!).ToArray();

    private static string Bell(string html) => WebSession.Texts(html, "//a[@id='bell']/span[@class='bell-count']").Single();
}

public sealed class NotificationInboxOnSqlite() : NotificationInboxTests(Engine.Sqlite);

public sealed class NotificationInboxOnPostgres() : NotificationInboxTests(Engine.Postgres);
