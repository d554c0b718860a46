using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>One text for several accounts: one post each, linked by a group, each checked and handled as its own account says.</summary>
public abstract class PostGroupTests(Engine engine)
{
    // 300 characters: over X's 280, within Mastodon's 500.
    private static readonly string LongBody = "Spring is here. " + new string('a', 284);

    [Fact]
    public async Task One_text_for_two_accounts_makes_a_group_whose_posts_are_checked_and_edited_each_for_its_own_account()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var editor = await gateway.SignInAsync("eve", "editor");
        await admin.CreateAccountAsync("acme-x", network: "x", editors: ["eve"]);
        await admin.CreateAccountAsync("acme-masto", network: "mastodon", editors: ["eve"]);

        var response = await editor.PostJsonAsync("/api/posts",
            new { accounts = new[] { "acme-x", "acme-masto" }, body = LongBody, scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") });
        var created = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var group = created.GetProperty("group").GetString()!;
        Assert.Equal($"/api/groups/{group}", response.Headers.Location?.OriginalString);
        var posts = created.GetProperty("posts").EnumerateArray().ToDictionary(p => p.GetProperty("account").GetString()!);
        Assert.Equal(["acme-masto", "acme-x"], posts.Keys.Order());
        Assert.All(posts.Values, p => Assert.Equal(group, p.GetProperty("group").GetString()));

        // X's limit blocks its post; Mastodon's lets the same text through.
        Assert.Equal("blocked", posts["acme-x"].GetProperty("status").GetString());
        Assert.Equal(["network.length"], posts["acme-x"].GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).ToArray());
        Assert.Equal("scheduled", posts["acme-masto"].GetProperty("status").GetString());
        Assert.Equal(0, posts["acme-masto"].GetProperty("findings").GetArrayLength());

        // Shortening the X post changes that post only.
        var xId = posts["acme-x"].GetProperty("id").GetString()!;
        var mastoBefore = await editor.GetPostAsync(posts["acme-masto"].GetProperty("id").GetString()!);
        var edited = await (await editor.PutAsync($"/api/posts/{xId}", Support.Api.JsonContent(new { body = "Spring is here." }))).ReadJsonAsync();
        Assert.Equal("scheduled", edited.GetProperty("status").GetString());

        var listed = await (await editor.GetAsync($"/api/groups/{group}")).ReadJsonAsync();
        var now = listed.GetProperty("posts").EnumerateArray().ToDictionary(p => p.GetProperty("account").GetString()!);
        Assert.Equal("Spring is here.", now["acme-x"].GetProperty("body").GetString());
        Assert.Equal(LongBody, now["acme-masto"].GetProperty("body").GetString());
        Assert.Equal(mastoBefore.GetProperty("version").GetInt32(), now["acme-masto"].GetProperty("version").GetInt32());

        Assert.Equal(HttpStatusCode.NotFound, (await editor.GetAsync("/api/groups/nope")).StatusCode);
    }

    [Fact]
    public async Task Each_post_of_a_group_is_checked_in_its_accounts_language()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-en", network: "mastodon");
        var de = await admin.PostJsonAsync("/api/accounts", new { id = "acme-de", network = "mastodon", kind = "brand", language = "de", editors = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.Created, de.StatusCode);

        var created = await (await admin.PostJsonAsync("/api/posts", new
        {
            accounts = new[] { "acme-en", "acme-de" },
            body = "Our spring range is here, with lighter jackets for the city and fresh colours for the garden.",
            scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
        })).ReadJsonAsync();
        var rules = created.GetProperty("posts").EnumerateArray().ToDictionary(
            p => p.GetProperty("account").GetString()!,
            p => p.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).ToArray());
        Assert.Contains("account.language", rules["acme-de"]);
        Assert.DoesNotContain("account.language", rules["acme-en"]);
    }

    [Fact]
    public async Task A_group_is_made_whole_or_not_at_all()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var editor = await gateway.SignInAsync("eve", "editor");
        await admin.CreateAccountAsync("acme-x", network: "x", editors: ["eve"]);
        await admin.CreateAccountAsync("acme-masto", network: "mastodon", editors: ["eve"]);
        await admin.CreateAccountAsync("not-eves", network: "bluesky");
        var at = DateTimeOffset.UtcNow.AddDays(1).ToString("O");

        var unknown = await editor.PostJsonAsync("/api/posts", new { accounts = new[] { "acme-x", "acme-nowhere" }, body = "Hello", scheduledAt = at });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("acme-nowhere", (await unknown.ReadJsonAsync()).GetProperty("detail").GetString());
        var foreign = await editor.PostJsonAsync("/api/posts", new { accounts = new[] { "acme-x", "not-eves" }, body = "Hello", scheduledAt = at });
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);
        var twice = await editor.PostJsonAsync("/api/posts", new { accounts = new[] { "acme-x", "acme-x" }, body = "Hello", scheduledAt = at });
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
        var both = await editor.PostJsonAsync("/api/posts", new { account = "acme-x", accounts = new[] { "acme-masto" }, body = "Hello", scheduledAt = at });
        Assert.Equal(HttpStatusCode.BadRequest, both.StatusCode);
        var none = await editor.PostJsonAsync("/api/posts", new { accounts = Array.Empty<string>(), body = "Hello", scheduledAt = at });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        var past = await editor.PostJsonAsync("/api/posts", new { accounts = new[] { "acme-x", "acme-masto" }, body = "Hello", scheduledAt = DateTimeOffset.UtcNow.AddDays(-1).ToString("O") });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);

        Assert.Equal(0, (await (await admin.GetAsync("/api/posts")).ReadJsonAsync()).GetArrayLength());
        var audit = await (await admin.GetAsync("/api/audit?action=post.submitted")).ReadJsonAsync();
        Assert.Equal(0, audit.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_group_saved_as_drafts_is_submitted_one_post_at_a_time()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-x", network: "x");
        await admin.CreateAccountAsync("acme-sky", network: "bluesky");

        var created = await (await admin.PostJsonAsync("/api/posts", new { accounts = new[] { "acme-x", "acme-sky" }, body = "Coming soon.", draft = true })).ReadJsonAsync();
        var posts = created.GetProperty("posts").EnumerateArray().ToArray();
        Assert.All(posts, p => Assert.Equal("draft", p.GetProperty("status").GetString()));
        var first = posts[0].GetProperty("id").GetString()!;
        var submitted = await (await admin.PostJsonAsync($"/api/posts/{first}/submit", new { scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") })).ReadJsonAsync();
        Assert.Equal("scheduled", submitted.GetProperty("status").GetString());
        Assert.Equal("draft", await admin.StatusAsync(posts[1].GetProperty("id").GetString()!));
    }
}

public sealed class PostGroupsOnSqlite() : PostGroupTests(Engine.Sqlite);

public sealed class PostGroupsOnPostgres() : PostGroupTests(Engine.Postgres);
