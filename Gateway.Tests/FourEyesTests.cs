using System.Net;
using System.Text.Json;
using Gateway.Audit;
using Gateway.Posts;
using Gateway.Scheduling;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>
/// Every path a version can take — submit, edit, reschedule, release, override, review, the fire-time gate — with
/// the one rule: an approval counts only from someone who neither wrote nor changed the version, and a crisis
/// statement never leaves without one.
/// </summary>
public abstract class FourEyesTests(Engine engine) : IAsyncLifetime
{
    // Too long for an x account: blocked by network.length.
    private static readonly string TooLong = "We are aware of the fire at our Hamburg plant. " + new string('x', 300);
    private const string Clean = "We are aware of the fire at our Hamburg plant and are working with the emergency services.";

    private TestGateway _gateway = null!;
    private HttpClient _root = null!, _ada = null!, _eve = null!, _rita = null!;

    public async Task InitializeAsync()
    {
        _gateway = new TestGateway(engine: engine);
        _root = await _gateway.SignInAsync("root", "admin");
        _ada = await _gateway.SignInAsync("ada", "admin");
        _eve = await _gateway.SignInAsync("eve", "editor");
        _rita = await _gateway.SignInAsync("rita", "reviewer");
        await _root.CreateAccountAsync("acme-x", network: "x", editors: ["eve"]);
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private async Task<JsonElement> StatementAsync(HttpClient admin, string body)
    {
        var response = await admin.PostJsonAsync("/api/posts", new { account = "acme-x", body, crisisStatement = true });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static Task<HttpResponseMessage> ApproveAsync(HttpClient who, string id) =>
        who.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" });

    private static Task<HttpResponseMessage> EditAsync(HttpClient who, string id, string body) =>
        who.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body }));

    private static Task<HttpResponseMessage> OverrideAsync(HttpClient who, string id) =>
        who.PostJsonAsync($"/api/posts/{id}/override", new { reason = "The network raised our limit for the statement" });

    /// <summary>Nothing can fire it: no trigger in either lane, and nothing in the outbox.</summary>
    private async Task AssertNoTriggerAsync(string id)
    {
        Assert.DoesNotContain(id, await _gateway.Service<PostScheduler>().ScheduledPostIdsAsync());
        Assert.Empty(_gateway.OutboxIds());
    }

    private static string Id(JsonElement post) => post.GetProperty("id").GetString()!;

    [Fact]
    public async Task A_blocked_crisis_statement_edited_clean_by_its_author_still_waits_for_someone_else()
    {
        Assert.Equal(HttpStatusCode.OK, (await _root.FreezeAsync("Fire at the Hamburg plant")).StatusCode);
        var statement = await StatementAsync(_root, TooLong);
        Assert.Equal("blocked", statement.GetProperty("status").GetString());

        var edited = await EditAsync(_root, Id(statement), Clean);
        Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        var after = await edited.ReadJsonAsync();
        Assert.Equal("pending_review", after.GetProperty("status").GetString());
        Assert.Equal(1, after.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal(HttpStatusCode.Forbidden, (await ApproveAsync(_root, Id(statement))).StatusCode);
        await AssertNoTriggerAsync(Id(statement));

        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_ada, Id(statement))).StatusCode);
        Assert.Equal("published", await _root.WaitForStatusAsync(Id(statement), "published", "held", "failed"));
        Assert.Equal([Id(statement)], _gateway.OutboxIds());
    }

    [Fact]
    public async Task An_admin_cannot_override_their_own_blocked_statement_another_admins_override_counts_as_the_approval()
    {
        Assert.Equal(HttpStatusCode.OK, (await _root.FreezeAsync("Fire at the Hamburg plant")).StatusCode);
        var statement = await StatementAsync(_root, TooLong);

        var own = await OverrideAsync(_root, Id(statement));
        Assert.Equal(HttpStatusCode.Forbidden, own.StatusCode);
        Assert.Contains("another admin", (await own.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal("blocked", await _root.StatusAsync(Id(statement)));
        await AssertNoTriggerAsync(Id(statement));

        var other = await OverrideAsync(_ada, Id(statement));
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("published", await _root.WaitForStatusAsync(Id(statement), "published", "held", "failed"));
    }

    [Fact]
    public async Task An_admin_who_changed_a_blocked_post_cannot_override_it()
    {
        var post = await _eve.SubmitAsync("acme-x", TooLong, DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("blocked", post.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await EditAsync(_root, Id(post), TooLong + " (edited)")).StatusCode);

        Assert.Equal(HttpStatusCode.Forbidden, (await OverrideAsync(_root, Id(post))).StatusCode);
        var overridden = await (await OverrideAsync(_ada, Id(post))).ReadJsonAsync();
        Assert.Equal("scheduled", overridden.GetProperty("status").GetString());
        Assert.Contains("ADMIN OVERRIDE by ada", overridden.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task An_admin_who_edited_an_editors_post_in_review_cannot_approve_it_and_does_not_see_it_in_the_inbox()
    {
        var post = await _eve.SubmitAsync("acme-x", "Our thoughts are with the victims of the shooting.", DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        var edited = await (await EditAsync(_root, Id(post), "Our thoughts are with everyone affected by the shooting.")).ReadJsonAsync();
        Assert.Equal("pending_review", edited.GetProperty("status").GetString());

        var self = await ApproveAsync(_root, Id(post));
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Contains("changed this post", (await self.ReadJsonAsync()).GetProperty("detail").GetString());
        var inbox = await (await _root.GetAsync("/api/reviews")).ReadJsonAsync();
        Assert.DoesNotContain(Id(post), inbox.EnumerateArray().Select(i => i.GetProperty("post").GetProperty("id").GetString()));
        // A tragedy takes two approvals (rules/policy.yml): neither may be the editor's.
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_rita, Id(post))).StatusCode);
        Assert.Equal("pending_review", await _root.StatusAsync(Id(post)));
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_ada, Id(post))).StatusCode);
        Assert.Equal("scheduled", await _root.StatusAsync(Id(post)));
    }

    [Fact]
    public async Task Rescheduling_an_approved_post_voids_the_approval_and_the_rescheduler_cannot_give_the_new_one()
    {
        var post = await _eve.SubmitAsync("acme-x", "Our thoughts are with the victims of the shooting.", DateTimeOffset.UtcNow.AddHours(1));
        // A tragedy takes two approvals (rules/policy.yml).
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_rita, Id(post))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_ada, Id(post))).StatusCode);
        Assert.Equal("scheduled", await _eve.StatusAsync(Id(post)));

        var moved = await _root.PostJsonAsync($"/api/posts/{Id(post)}/reschedule", new { scheduledAt = DateTimeOffset.UtcNow.AddHours(2).ToString("O") });
        Assert.Equal("pending_review", (await moved.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await ApproveAsync(_root, Id(post))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_ada, Id(post))).StatusCode);
        Assert.Equal("pending_review", await _eve.StatusAsync(Id(post)));
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_rita, Id(post))).StatusCode);
        Assert.Equal("scheduled", await _eve.StatusAsync(Id(post)));
    }

    [Fact]
    public async Task Releasing_a_held_statement_puts_it_back_in_review_instead_of_out()
    {
        Assert.Equal(HttpStatusCode.OK, (await _root.FreezeAsync("Fire at the Hamburg plant")).StatusCode);
        var statement = await StatementAsync(_root, Clean);
        var id = Id(statement);
        // Held after approval, as the gate does when a fire-time check fails.
        var held = await _gateway.Service<PostStore>().ChangeAsync(new PostChange(id, PostStatus.Held, AuditLog.System, "post.held", "test: held at fire time"));
        Assert.NotNull(held);

        var release = await _root.PostJsonAsync("/api/posts/release", new { ids = new[] { id }, scheduledAt = DateTimeOffset.UtcNow.ToString("O") });
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.Equal("pending_review", (await release.ReadJsonAsync())[0].GetProperty("status").GetString());
        await AssertNoTriggerAsync(id);
    }

    [Fact]
    public async Task The_gate_holds_a_statement_that_reached_scheduled_without_an_approval_whatever_the_path()
    {
        Assert.Equal(HttpStatusCode.OK, (await _root.FreezeAsync("Fire at the Hamburg plant")).StatusCode);
        var id = Id(await StatementAsync(_root, Clean));
        // A path that forgot to ask: the status forced straight to scheduled, the approvals count left at zero.
        var forced = await _gateway.Service<PostStore>().ChangeAsync(new PostChange(id, PostStatus.Scheduled, "root", "test.forced", null) { RequiredApprovals = 0 });
        Assert.NotNull(forced);

        await Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<PublishJob>(_gateway.Services).FireAsync(id, CancellationToken.None);
        var post = await _root.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.Contains("1 approval(s) of this exact version", post.GetProperty("statusReason").GetString());
        Assert.Empty(_gateway.OutboxIds());
    }

    [Fact]
    public async Task An_approval_by_someone_who_later_changed_the_post_does_not_count_at_the_gate()
    {
        var post = await _eve.SubmitAsync("acme-x", "Our thoughts are with the victims of the shooting.", DateTimeOffset.UtcNow.AddHours(1));
        var id = Id(post);
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(_root, id)).StatusCode);
        // root now changes the time back and forth, which yields the very version root approved.
        var store = _gateway.Service<PostStore>();
        var current = (await store.GetAsync(id))!;
        Assert.NotNull(await store.ChangeAsync(new PostChange(id, PostStatus.Scheduled, "root", "post.edited", null) { ScheduledAt = current.ScheduledAt }));

        await Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<PublishJob>(_gateway.Services).FireAsync(id, CancellationToken.None);
        Assert.Equal("held", await _root.StatusAsync(id));
        Assert.Empty(_gateway.OutboxIds());
    }
}

public sealed class FourEyesOnSqlite() : FourEyesTests(Engine.Sqlite);

public sealed class FourEyesOnPostgres() : FourEyesTests(Engine.Postgres);
