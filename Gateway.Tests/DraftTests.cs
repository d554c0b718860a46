using System.Net;
using System.Text.Json;
using Gateway.Scheduling;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>Drafts: checked and kept, never triggered or published, sent on the usual path by <c>/submit</c>.</summary>
public abstract class DraftTests(Engine engine)
{
    /// <summary>"massacre" is violence: review on a brand account.</summary>
    private const string RiskyBody = "Our spring sale is a massacre of old prices: everything must go!";

    [Fact]
    public async Task A_draft_is_checked_and_kept_without_a_trigger_and_listed_under_its_own_filter()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var editor = await gateway.SignInAsync("eve", "editor");
        await admin.CreateAccountAsync("acme", editors: ["eve"]);

        // A time already past is fine for a draft.
        var response = await editor.PostJsonAsync("/api/posts", new { account = "acme", body = RiskyBody, scheduledAt = DateTimeOffset.UtcNow.AddDays(-2).ToString("O"), draft = true });
        var draft = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("draft", draft.GetProperty("status").GetString());
        Assert.Contains(draft.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "topic.violence");
        Assert.Contains("pending_review", draft.GetProperty("statusReason").GetString());
        var id = draft.GetProperty("id").GetString()!;

        Assert.DoesNotContain(id, await gateway.Service<PostScheduler>().ScheduledPostIdsAsync());
        Assert.DoesNotContain(await gateway.Service<Gateway.Posts.PostStore>().WaitingAsync(), p => p.Id == id);

        var scheduled = await editor.SubmitAsync("acme", "A plain scheduled post.", DateTimeOffset.UtcNow.AddDays(1));
        var drafts = await (await editor.GetAsync("/api/posts?status=draft")).ReadJsonAsync();
        Assert.Equal([id], drafts.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());
        var others = await (await editor.GetAsync("/api/posts?status=scheduled")).ReadJsonAsync();
        Assert.Equal([scheduled.GetProperty("id").GetString()!], others.EnumerateArray().Select(p => p.GetProperty("id").GetString()!).ToArray());

        Assert.Equal(["post.drafted"], await ActionsAsync(admin, id));
    }

    [Fact]
    public async Task A_draft_without_a_time_is_edited_by_another_editor_and_submitted_to_review()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var eve = await gateway.SignInAsync("eve", "editor");
        var bob = await gateway.SignInAsync("bob", "editor");
        var mallory = await gateway.SignInAsync("mallory", "editor");
        await admin.CreateAccountAsync("acme", editors: ["eve", "bob"]);
        await admin.CreateAccountAsync("other", editors: ["mallory"]);

        var created = await (await eve.PostJsonAsync("/api/posts", new { account = "acme", body = "Spring is here.", draft = true })).ReadJsonAsync();
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.True(created.GetProperty("untimed").GetBoolean());
        Assert.Equal(0, created.GetProperty("findings").GetArrayLength());

        // Another editor of the account changes it; it stays a draft, checked again. An editor of another account may not.
        var edited = await bob.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body = RiskyBody }));
        var after = await edited.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        Assert.Equal("draft", after.GetProperty("status").GetString());
        Assert.Contains(after.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "topic.violence");
        Assert.Equal(HttpStatusCode.Forbidden, (await mallory.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body = "mine now" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await mallory.PostJsonAsync($"/api/posts/{id}/submit", new { })).StatusCode);

        // No time yet: submitting it so is a problem that says what to give.
        var untimed = await eve.PostAsync($"/api/posts/{id}/submit", null);
        Assert.Equal(HttpStatusCode.BadRequest, untimed.StatusCode);
        Assert.Contains("no time", (await untimed.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal("draft", await eve.StatusAsync(id));

        var submit = await eve.PostJsonAsync($"/api/posts/{id}/submit", new { scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") });
        var submitted = await submit.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        Assert.Equal("pending_review", submitted.GetProperty("status").GetString());
        Assert.False(submitted.GetProperty("untimed").GetBoolean());
        Assert.Contains(id, await gateway.Service<PostScheduler>().ScheduledPostIdsAsync()); // waits in Quartz, to expire unreviewed

        var again = await eve.PostJsonAsync($"/api/posts/{id}/submit", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(["post.drafted", "post.edited", "post.submitted"], await ActionsAsync(admin, id));
    }

    [Fact]
    public async Task A_draft_whose_time_has_passed_is_submitted_only_with_a_new_one_and_then_scheduled()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var id = (await (await admin.PostJsonAsync("/api/posts",
            new { account = "acme", body = "Plain news.", scheduledAt = DateTimeOffset.UtcNow.AddHours(-3).ToString("O"), draft = true })).ReadJsonAsync())
            .GetProperty("id").GetString()!;

        var late = await admin.PostAsync($"/api/posts/{id}/submit", null);
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("has passed", (await late.ReadJsonAsync()).GetProperty("detail").GetString());
        var stillPast = await admin.PostJsonAsync($"/api/posts/{id}/submit", new { scheduledAt = DateTimeOffset.UtcNow.AddHours(-1).ToString("O") });
        Assert.Equal(HttpStatusCode.BadRequest, stillPast.StatusCode);

        var at = DateTimeOffset.UtcNow.AddDays(2);
        var submitted = await (await admin.PostJsonAsync($"/api/posts/{id}/submit", new { scheduledAt = at.ToString("O") })).ReadJsonAsync();
        Assert.Equal("scheduled", submitted.GetProperty("status").GetString());
        Assert.Equal(at.ToUnixTimeSeconds(), submitted.GetProperty("scheduledAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Contains(id, await gateway.Service<PostScheduler>().ScheduledPostIdsAsync());
    }

    [Fact]
    public async Task A_draft_is_never_published_even_when_a_trigger_fires_at_its_time()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var at = DateTimeOffset.UtcNow.AddSeconds(1);
        var id = (await (await admin.PostJsonAsync("/api/posts", new { account = "acme", body = "Not ready yet.", scheduledAt = at.ToString("O"), draft = true }))
            .ReadJsonAsync()).GetProperty("id").GetString()!;

        // A trigger that should not exist (a bug, a hand-edited store): the fire-time gate still refuses the draft.
        var scheduler = gateway.Service<PostScheduler>();
        await scheduler.ScheduleAsync(id, at);
        Assert.Contains(id, await scheduler.ScheduledPostIdsAsync());
        await Eventually.WaitForAsync(async () => (await scheduler.ScheduledPostIdsAsync()).Contains(id), present => !present, "the stray trigger to fire");

        Assert.Equal("draft", await admin.StatusAsync(id));
        Assert.Empty(gateway.OutboxIds());
        Assert.Equal(["post.drafted"], await ActionsAsync(admin, id));
    }

    private static async Task<string[]> ActionsAsync(HttpClient admin, string id)
    {
        var audit = await (await admin.GetAsync($"/api/audit?subject={id}")).ReadJsonAsync();
        return audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Reverse().ToArray();
    }
}

public sealed class DraftsOnSqlite() : DraftTests(Engine.Sqlite);

public sealed class DraftsOnPostgres() : DraftTests(Engine.Postgres);
