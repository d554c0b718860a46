using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public abstract class CrisisModeTests(Engine engine) : IAsyncLifetime
{
    private TestGateway _gateway = null!;
    private HttpClient _admin = null!, _admin2 = null!, _eve = null!, _rita = null!;

    public async Task InitializeAsync()
    {
        _gateway = new TestGateway(engine: engine);
        _admin = await _gateway.SignInAsync("root", "admin");
        _admin2 = await _gateway.SignInAsync("ada", "admin");
        _eve = await _gateway.SignInAsync("eve", "editor");
        _rita = await _gateway.SignInAsync("rita", "reviewer");
        await _admin.CreateAccountAsync("acme-de", editors: ["eve"]);
        await _admin.CreateAccountAsync("acme-us", editors: ["eve"]);
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonElement> FreezeAccountsAsync(params string[] accounts)
    {
        var response = await _admin.PostJsonAsync("/api/freeze", new { reason = "Flooding in Bavaria", accounts });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("freeze");
    }

    private async Task<JsonElement> LiftAsync(string id)
    {
        var response = await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"/api/freeze/{id}") { Content = Support.Api.JsonContent(new { reason = "Water receding" }) });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    [Fact]
    public async Task A_scoped_freeze_holds_its_accounts_while_others_keep_flowing_and_the_editor_is_told()
    {
        var freeze = await FreezeAccountsAsync("acme-de");
        Assert.Equal("accounts", freeze.GetProperty("scope").GetString());

        var frozenPost = await _eve.SubmitAsync("acme-de", "Wiesn-Angebot!", DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("Flooding in Bavaria", frozenPost.GetProperty("frozen").GetProperty("reason").GetString());
        var flowing = await _eve.SubmitAsync("acme-us", "Spring sale", DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.False(flowing.TryGetProperty("frozen", out _));

        Assert.Equal("published", await _eve.WaitForStatusAsync(flowing.GetProperty("id").GetString()!, "published", "held"));
        Assert.Equal("held", (await _eve.WaitForStatusAsync(frozenPost.GetProperty("id").GetString()!, "held", "published")));
        Assert.Equal([flowing.GetProperty("id").GetString()!], _gateway.OutboxIds());

        var state = await (await _rita.GetAsync("/api/freeze")).ReadJsonAsync();
        Assert.False(state.GetProperty("frozen").GetBoolean());
        Assert.Equal(["acme-de"], state.GetProperty("freezes")[0].GetProperty("accounts").EnumerateArray().Select(a => a.GetString()!).ToArray());
    }

    [Fact]
    public async Task Unfreezing_one_scope_lifts_no_other_and_the_global_freeze_covers_everything()
    {
        var de = await FreezeAccountsAsync("acme-de");
        var us = await FreezeAccountsAsync("acme-us");
        await _admin.FreezeAsync("Global crisis");

        var lifted = await LiftAsync(de.GetProperty("id").GetString()!);
        Assert.True(lifted.GetProperty("frozen").GetBoolean());
        Assert.Equal(2, lifted.GetProperty("freezes").GetArrayLength());

        var post = (await _eve.SubmitAsync("acme-de", "Still frozen by the global freeze", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await Task.Delay(2500);
        Assert.Empty(_gateway.OutboxIds());

        await _admin.UnfreezeAsync(); // the global one
        Assert.Equal("held", await _eve.StatusAsync(post)); // it came due during the global freeze
        var remaining = await (await _admin.GetAsync("/api/freeze")).ReadJsonAsync();
        Assert.Equal([us.GetProperty("id").GetString()!], remaining.GetProperty("freezes").EnumerateArray().Select(f => f.GetProperty("id").GetString()!).ToArray());
    }

    [Fact]
    public async Task A_crisis_statement_is_approved_by_a_second_person_and_published_at_once_despite_the_freeze()
    {
        await _admin.FreezeAsync("Explosion at the plant");
        var ordinary = (await _eve.SubmitAsync("acme-de", "Our weekly tips", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;

        var notAdmin = await _eve.PostJsonAsync("/api/posts", new { account = "acme-de", body = "Statement", crisisStatement = true });
        Assert.Equal(HttpStatusCode.Forbidden, notAdmin.StatusCode);
        var submitted = await _admin.PostJsonAsync("/api/posts", new { account = "acme-de", body = "We are aware of the explosion and are working with the emergency services.", crisisStatement = true });
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var statement = await submitted.ReadJsonAsync();
        var id = statement.GetProperty("id").GetString()!;
        Assert.Equal("pending_review", statement.GetProperty("status").GetString());
        Assert.True(statement.GetProperty("crisisStatement").GetBoolean());

        await Task.Delay(1500);
        Assert.Equal("pending_review", await _admin.StatusAsync(id)); // it does not expire while it waits for approval
        Assert.Equal(HttpStatusCode.Forbidden, (await _admin.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _admin2.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" })).StatusCode);

        Assert.Equal("published", await _admin.WaitForStatusAsync(id, "published", "held", "failed"));
        Assert.Equal([id], _gateway.OutboxIds()); // nothing else got through
        Assert.Equal("held", await _admin.StatusAsync(ordinary)); // held at its time, during the freeze

        var incidentId = (await (await _admin.GetAsync("/api/incidents")).ReadJsonAsync())[0].GetProperty("id").GetString()!;
        var incident = await (await _admin.GetAsync($"/api/incidents/{incidentId}")).ReadJsonAsync();
        var record = incident.GetProperty("statements").EnumerateArray().Single();
        Assert.Equal(id, record.GetProperty("postId").GetString());
        Assert.True(record.GetProperty("seconds").GetDouble() >= 1.5);
    }

    [Fact]
    public async Task A_statement_needs_a_frozen_account()
    {
        var response = await _admin.PostJsonAsync("/api/posts", new { account = "acme-us", body = "Statement", crisisStatement = true });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not frozen", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Held_posts_are_released_in_bulk_with_spaced_new_times_or_cancelled_and_bad_ids_are_reported()
    {
        await _admin.FreezeAsync();
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await _eve.SubmitAsync("acme-de", $"Post {i}", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!);
        }
        // Each comes due during the freeze and is held at its fire time (however long a busy machine takes to fire it).
        foreach (var id in ids)
        {
            Assert.Equal("held", await _admin.WaitForStatusAsync(id, "held", "published"));
        }
        var unfrozen = await _admin.UnfreezeAsync();
        Assert.Equal(3, unfrozen.GetProperty("held").GetArrayLength());
        var heldList = await (await _admin.GetAsync("/api/posts?status=held")).ReadJsonAsync();
        Assert.All(heldList.EnumerateArray(), p => Assert.Contains("frozen", p.GetProperty("statusReason").GetString()));

        var start = DateTimeOffset.UtcNow.AddHours(1);
        var released = await (await _admin.PostJsonAsync("/api/posts/release", new { ids = new[] { ids[0], ids[1], "nope" }, scheduledAt = start.ToString("O"), spacingMinutes = 10 })).ReadJsonAsync();
        Assert.Equal(["scheduled", "scheduled", "-"], released.EnumerateArray().Select(r => r.TryGetProperty("status", out var s) ? s.GetString()! : "-").ToArray());
        Assert.Contains("nope", released[2].GetProperty("error").GetString());
        var second = await _admin.GetPostAsync(ids[1]);
        Assert.Equal(start.AddMinutes(10).ToUnixTimeSeconds(), second.GetProperty("scheduledAt").GetDateTimeOffset().ToUnixTimeSeconds());

        var cancelled = await (await _admin.PostJsonAsync("/api/posts/cancel", new { ids = new[] { ids[2] } })).ReadJsonAsync();
        Assert.Equal("cancelled", cancelled[0].GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await _eve.PostJsonAsync("/api/posts/cancel", new { ids = new[] { ids[0] } })).StatusCode);
    }

    [Fact]
    public async Task Each_freeze_is_an_incident_with_its_timeline_in_json_and_markdown()
    {
        var post = (await _eve.SubmitAsync("acme-de", "Due during the freeze", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await _admin.FreezeAsync("Shooting *downtown*");
        await Task.Delay(1500);
        await _admin.UnfreezeAsync("All clear");

        var list = await (await _admin.GetAsync("/api/incidents")).ReadJsonAsync();
        var id = list[0].GetProperty("id").GetString()!;
        var incident = await (await _admin.GetAsync($"/api/incidents/{id}")).ReadJsonAsync();
        Assert.Equal("root", incident.GetProperty("frozenBy").GetString());
        Assert.Equal("All clear", incident.GetProperty("liftReason").GetString());
        Assert.Equal([post], incident.GetProperty("heldPosts").EnumerateArray().Select(h => h.GetString()!).ToArray());
        var actions = incident.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["freeze", "post.held", "unfreeze"], actions);

        var markdown = await _admin.GetAsync($"/api/incidents/{id}?format=markdown");
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        var text = await markdown.Content.ReadAsStringAsync();
        Assert.StartsWith($"# Incident {id}", text);
        Assert.Contains("Shooting \\*downtown\\*", text);
        Assert.Contains(post, text);
        Assert.Equal(HttpStatusCode.Forbidden, (await _rita.GetAsync("/api/incidents")).StatusCode);
    }
}

public sealed class CrisisModeOnSqlite() : CrisisModeTests(Engine.Sqlite);

public sealed class CrisisModeOnPostgres() : CrisisModeTests(Engine.Postgres);
