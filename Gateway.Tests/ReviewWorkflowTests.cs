using System.Net;
using System.Text.Json;
using Gateway.Scheduling;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Gateway.Tests;

public abstract class ReviewWorkflowTests(Engine engine) : IAsyncLifetime
{
    private const string Policy = """
        approvals: 1
        expire-after: 1h
        review:
          accounts: [acme-corp, acme-board, acme-legal]
        approvals-for:
          accounts:
            acme-board: 2
        reviewers:
          acme-legal: [rita]
        """;

    private TestGateway _gateway = null!;
    private HttpClient _admin = null!, _eve = null!, _rita = null!, _sam = null!;

    public async Task InitializeAsync()
    {
        _gateway = new TestGateway(settings: new()
        {
            ["Gateway:RulesDir"] = RulesCopy.With(("policy.yml", Policy)),
            ["Gateway:LateGrace"] = "1.00:00:00",
        }, engine: engine);
        _admin = await _gateway.SignInAsync("root", "admin");
        _eve = await _gateway.SignInAsync("eve", "editor");
        _rita = await _gateway.SignInAsync("rita", "reviewer");
        _sam = await _gateway.SignInAsync("sam", "reviewer");
        foreach (var account in new[] { "acme-corp", "acme-board", "acme-legal" })
        {
            await _admin.CreateAccountAsync(account, network: "outbox", editors: ["eve"]);
        }
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private async Task<(string Id, string Hash)> SubmitForReviewAsync(string account = "acme-corp", double inSeconds = 3600)
    {
        var post = await _eve.SubmitAsync(account, "Our statement on today's events.", DateTimeOffset.UtcNow.AddSeconds(inSeconds));
        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        return (post.GetProperty("id").GetString()!, post.GetProperty("contentHash").GetString()!);
    }

    private static Task<HttpResponseMessage> ReviewAsync(HttpClient who, string id, string verdict, string? comment = null, string? contentHash = null) =>
        who.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict, comment, contentHash });

    private async Task<string[]> AuditActionsAsync(string id) =>
        (await (await _admin.GetAsync($"/api/audit?subject={id}&limit=100")).ReadJsonAsync()).GetProperty("items").EnumerateArray()
        .Select(e => e.GetProperty("action").GetString()!).Reverse().ToArray();

    [Fact]
    public async Task A_new_time_is_audited_as_a_reschedule_and_a_new_text_as_an_edit()
    {
        var id = (await _eve.SubmitAsync("acme-corp", "Our spring range is here.", DateTimeOffset.UtcNow.AddHours(2))).GetProperty("id").GetString()!;
        var later = DateTimeOffset.UtcNow.AddHours(3).ToString("O");
        Assert.Equal(HttpStatusCode.OK, (await _eve.PostJsonAsync($"/api/posts/{id}/reschedule", new { scheduledAt = later })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _eve.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body = "Our summer range is here." }))).StatusCode);
        var actions = await AuditActionsAsync(id);
        Assert.Equal(["post.rescheduled", "post.edited"], actions[^2..]);
    }

    [Fact]
    public async Task A_policy_account_needs_a_second_opinion_that_the_author_cannot_give()
    {
        var post = await _eve.SubmitAsync("acme-corp", "Hello", DateTimeOffset.UtcNow.AddSeconds(2));
        var id = post.GetProperty("id").GetString()!;
        var finding = post.GetProperty("findings")[0];
        Assert.Equal("policy.review", finding.GetProperty("rule").GetString());
        Assert.Contains("acme-corp", finding.GetProperty("message").GetString());

        var self = await ReviewAsync(_eve, id, "approve");
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode); // editors have no reviewer role anyway
        var adminOwn = await _admin.SubmitAsync("acme-corp", "By the admin", DateTimeOffset.UtcNow.AddHours(1));
        var ownApproval = await ReviewAsync(_admin, adminOwn.GetProperty("id").GetString()!, "approve");
        Assert.Equal(HttpStatusCode.Forbidden, ownApproval.StatusCode);
        Assert.Contains("colleague", (await ownApproval.ReadJsonAsync()).GetProperty("detail").GetString());

        var approved = await ReviewAsync(_rita, id, "approve");
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("scheduled", (await approved.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal("published", await _eve.WaitForStatusAsync(id, "published", "held", "expired"));
        Assert.Equal(["post.submitted", "review.approve", "post.approved", "post.publishing", "post.published"], await AuditActionsAsync(id));
    }

    [Fact]
    public async Task One_person_counts_once_and_two_reviewers_racing_for_the_last_slot_approve_it_once()
    {
        var (id, _) = await SubmitForReviewAsync("acme-board");
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);
        Assert.Equal("pending_review", await _eve.StatusAsync(id));

        var race = await Task.WhenAll(ReviewAsync(_sam, id, "approve"), ReviewAsync(_admin, id, "approve"));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], race.Select(r => r.StatusCode).Order());
        Assert.Equal("scheduled", await _eve.StatusAsync(id));
        Assert.Single(await AuditActionsAsync(id), "post.approved");
    }

    [Fact]
    public async Task An_edit_between_two_approvals_voids_the_first_and_tells_the_reviewers()
    {
        var (id, firstHash) = await SubmitForReviewAsync("acme-board");
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);

        var edited = await (await _eve.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { body = "Our revised statement." }))).ReadJsonAsync();
        Assert.Equal("pending_review", edited.GetProperty("status").GetString());
        Assert.NotEqual(firstHash, edited.GetProperty("contentHash").GetString());

        var stale = await ReviewAsync(_sam, id, "approve", contentHash: firstHash);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_sam, id, "approve", contentHash: edited.GetProperty("contentHash").GetString())).StatusCode);
        Assert.Equal("pending_review", await _eve.StatusAsync(id)); // rita's approval was of another text
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);
        Assert.Equal("scheduled", await _eve.StatusAsync(id));

        var history = await (await _eve.GetAsync($"/api/posts/{id}/reviews")).ReadJsonAsync();
        var first = history[0];
        Assert.Equal("rita", first.GetProperty("reviewer").GetString());
        Assert.True(first.TryGetProperty("voidedAt", out _));
        Assert.Equal(3, history.GetArrayLength());
    }

    [Fact]
    public async Task Rejecting_needs_a_comment_and_a_rejected_post_is_edited_back_into_review()
    {
        var (id, _) = await SubmitForReviewAsync();
        var bare = await ReviewAsync(_rita, id, "reject");
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Equal("pending_review", await _eve.StatusAsync(id));

        var rejected = await (await ReviewAsync(_rita, id, "reject", "Too soon after the accident; wait a day.")).ReadJsonAsync();
        Assert.Equal("rejected", rejected.GetProperty("status").GetString());
        Assert.Contains("Too soon", rejected.GetProperty("statusReason").GetString());

        var resubmitted = await (await _eve.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") }))).ReadJsonAsync();
        Assert.Equal("pending_review", resubmitted.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_post_still_in_review_at_its_time_expires_and_needs_a_new_time_before_approval()
    {
        var (id, _) = await SubmitForReviewAsync(inSeconds: 1);
        Assert.Equal("expired", await _eve.WaitForStatusAsync(id, "expired", "published"));
        var late = await ReviewAsync(_rita, id, "approve");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("new time", (await late.ReadJsonAsync()).GetProperty("detail").GetString());

        var again = await (await _eve.PostJsonAsync($"/api/posts/{id}/reschedule", new { scheduledAt = DateTimeOffset.UtcNow.AddHours(2).ToString("O") })).ReadJsonAsync();
        Assert.Equal("pending_review", again.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);
    }

    [Fact]
    public async Task Blocking_findings_are_not_approved_away_and_an_admin_override_is_loud()
    {
        await _admin.CreateAccountAsync("acme-x", network: "x", editors: ["eve"]);
        var blocked = await _eve.SubmitAsync("acme-x", new string('!', 300), DateTimeOffset.UtcNow.AddHours(1));
        var id = blocked.GetProperty("id").GetString()!;
        Assert.Equal("blocked", blocked.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await ReviewAsync(_rita, id, "approve")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await _rita.PostJsonAsync($"/api/posts/{id}/override", new { reason = "I know better than the rules" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _admin.PostJsonAsync($"/api/posts/{id}/override", new { reason = "ok" })).StatusCode);

        var overridden = await (await _admin.PostJsonAsync($"/api/posts/{id}/override", new { reason = "Network raised its limit for us today" })).ReadJsonAsync();
        Assert.Equal("scheduled", overridden.GetProperty("status").GetString());
        Assert.Contains("ADMIN OVERRIDE", overridden.GetProperty("statusReason").GetString());
        Assert.Contains("post.override", await AuditActionsAsync(id));
    }

    [Fact]
    public async Task An_approval_that_is_older_than_the_policy_allows_holds_the_post_at_fire_time()
    {
        var (id, _) = await SubmitForReviewAsync(inSeconds: 3600);
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);

        // The gate as it would run 90 minutes from now: past the time (within the grace), approvals older than 1 h.
        var job = ActivatorUtilities.CreateInstance<PublishJob>(_gateway.Services, (TimeProvider)new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(90)));
        await job.FireAsync(id, CancellationToken.None);
        var post = await _eve.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.Contains("fresh second opinion", post.GetProperty("statusReason").GetString());
        Assert.Empty(_gateway.OutboxIds());
    }

    [Fact]
    public async Task The_inbox_shows_what_waits_for_me_most_urgent_first_with_findings_and_approvals()
    {
        var later = await SubmitForReviewAsync("acme-board", inSeconds: 7200);
        var sooner = await SubmitForReviewAsync("acme-board", inSeconds: 3600);
        var corp = await SubmitForReviewAsync("acme-corp", inSeconds: 5400);
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_sam, later.Id, "approve")).StatusCode);

        var inbox = await (await _rita.GetAsync("/api/reviews")).ReadJsonAsync();
        var ids = inbox.EnumerateArray().Select(i => i.GetProperty("post").GetProperty("id").GetString()!).ToArray();
        Assert.Equal([sooner.Id, corp.Id, later.Id], ids);
        var laterItem = inbox[2];
        Assert.Equal(["sam"], laterItem.GetProperty("approvedBy").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Equal(2, laterItem.GetProperty("requiredApprovals").GetInt32());
        Assert.Equal("policy.review", laterItem.GetProperty("post").GetProperty("findings")[0].GetProperty("rule").GetString());

        var samInbox = await (await _sam.GetAsync("/api/reviews")).ReadJsonAsync();
        Assert.DoesNotContain(later.Id, samInbox.EnumerateArray().Select(i => i.GetProperty("post").GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await _eve.GetAsync("/api/reviews")).StatusCode);
    }

    [Fact]
    public async Task Reviewers_can_be_restricted_per_account()
    {
        var (id, _) = await SubmitForReviewAsync("acme-legal");
        var refused = await ReviewAsync(_sam, id, "approve");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("policy.yml", (await refused.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.DoesNotContain(id, (await (await _sam.GetAsync("/api/reviews")).ReadJsonAsync()).EnumerateArray().Select(i => i.GetProperty("post").GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, (await ReviewAsync(_rita, id, "approve")).StatusCode);
        Assert.Equal("scheduled", await _eve.StatusAsync(id));
    }

    [Fact]
    public async Task Editors_and_reviewers_talk_it_through_in_a_thread()
    {
        var (id, _) = await SubmitForReviewAsync();
        Assert.Equal(HttpStatusCode.Created, (await _rita.PostJsonAsync($"/api/posts/{id}/comments", new { text = "Is <b>today</b> the right day?" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await _eve.PostJsonAsync($"/api/posts/{id}/comments", new { text = "Moved it to tomorrow." })).StatusCode);
        var outsider = await _gateway.SignInAsync("otto", "editor");
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostJsonAsync($"/api/posts/{id}/comments", new { text = "Hi" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _eve.PostJsonAsync($"/api/posts/{id}/comments", new { text = "  " })).StatusCode);

        var thread = await (await _eve.GetAsync($"/api/posts/{id}/comments")).ReadJsonAsync();
        Assert.Equal(["rita", "eve"], thread.EnumerateArray().Select(c => c.GetProperty("author").GetString()!).ToArray());
        Assert.Equal("Is <b>today</b> the right day?", thread[0].GetProperty("text").GetString());
        Assert.Contains("post.commented", await AuditActionsAsync(id));
    }
}

public sealed class ReviewWorkflowOnSqlite() : ReviewWorkflowTests(Engine.Sqlite);

public sealed class ReviewWorkflowOnPostgres() : ReviewWorkflowTests(Engine.Postgres);
