using System.Net;
using Gateway.Audit;
using Gateway.Posts;
using Gateway.Scheduling;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static Gateway.Tests.Hashtags.TagTimelines;

namespace Gateway.Tests.Hashtags;

/// <summary>Quotes of other people's posts in <c>hashtag.history</c> evidence are kept for a bounded time after a post settles.</summary>
public abstract class HashtagQuoteSweepTests(Engine engine)
{
    private const string Token = "pasted-token-1";

    [Fact]
    public async Task A_settled_post_loses_its_quotes_after_KeepQuotesFor_and_a_waiting_one_keeps_them()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Seed("springfield", Shooting);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var gateway = new TestGateway(settings: new()
        {
            ["Gateway:HashtagHistory:Budget"] = "00:00:10",
            ["Gateway:HashtagHistory:KeepQuotesFor"] = "30.00:00:00",
        }, services: s => s.AddSingleton<TimeProvider>(clock), engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var rita = await gateway.SignInAsync("rita", "reviewer");
        await admin.CreateAccountAsync("acme", network: "mastodon", publisher: new { type = "mastodon", instance = fake.Url, accessToken = Token });

        var published = await SubmitApprovedAsync(admin, rita, clock.GetUtcNow().AddSeconds(2));
        var scheduled = await SubmitApprovedAsync(admin, rita, clock.GetUtcNow().AddDays(90));
        var pending = await SubmitAsync(admin, clock.GetUtcNow().AddDays(90));
        clock.Advance(TimeSpan.FromSeconds(3)); // Quartz reads the same clock: the first post's time comes
        Assert.Equal("published", await admin.WaitForStatusAsync(published, "published", "held"));
        Assert.StartsWith(Shooting[0], (await EvidenceAsync(gateway, published))["example1"]);

        var sweep = ActivatorUtilities.CreateInstance<HashtagQuoteSweep>(gateway.Services);
        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None));
        Assert.True((await EvidenceAsync(gateway, published)).ContainsKey("example1"));

        clock.Advance(TimeSpan.FromDays(2));
        await sweep.RunAsync(CancellationToken.None); // Quartz's own run may have come first: the outcome is the same

        var evidence = await EvidenceAsync(gateway, published);
        Assert.DoesNotContain(evidence.Keys, k => k.StartsWith("example", StringComparison.Ordinal) && k != "examples");
        Assert.Matches(@"^removed \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00, 30 days after the post settled$", evidence["examples"]);
        Assert.Equal("#springfield", evidence["tag"]); // what the evidence needs stays: shares, span, page
        Assert.StartsWith("violence", evidence["shares"]);
        Assert.Equal("/hashtags/springfield", evidence["page"]);
        foreach (var waiting in new[] { scheduled, pending })
        {
            var kept = await EvidenceAsync(gateway, waiting);
            Assert.StartsWith(Shooting[0], kept["example1"]);
            Assert.StartsWith("https://", kept["example1-url"]);
        }
        Assert.Equal(PostStatus.Published, (await gateway.Service<PostStore>().GetAsync(published))!.Status); // only the evidence changed

        var entry = Assert.Single(await gateway.Service<AuditLog>().QueryAsync(10, null, HashtagQuoteSweep.Action, null, null, CancellationToken.None));
        Assert.Equal(AuditLog.System, entry.Actor);
        Assert.Equal(1, entry.DetailsJson!.Value.GetProperty("posts").GetInt32());
        Assert.Equal(0, await sweep.RunAsync(CancellationToken.None)); // nothing left to remove: no second entry
        Assert.Single(await gateway.Service<AuditLog>().QueryAsync(10, null, HashtagQuoteSweep.Action, null, null, CancellationToken.None));
    }

    private static async Task<string> SubmitAsync(HttpClient editor, DateTimeOffset at)
    {
        var post = await editor.SubmitAsync("acme", "Our Springfield store is open late tonight! #Springfield", at);
        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        return post.GetProperty("id").GetString()!;
    }

    private static async Task<string> SubmitApprovedAsync(HttpClient editor, HttpClient reviewer, DateTimeOffset at)
    {
        var id = await SubmitAsync(editor, at);
        var approved = await reviewer.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("scheduled", (await approved.ReadJsonAsync()).GetProperty("status").GetString());
        return id;
    }

    private static async Task<IReadOnlyDictionary<string, string>> EvidenceAsync(TestGateway gateway, string id) =>
        Assert.Single((await gateway.Service<PostStore>().GetAsync(id))!.Findings, f => f.Rule == Gateway.Rules.Hashtags.HashtagHistoryCheck.RuleId).Evidence!;
}

public sealed class HashtagQuoteSweepOnSqlite() : HashtagQuoteSweepTests(Engine.Sqlite);

public sealed class HashtagQuoteSweepOnPostgres() : HashtagQuoteSweepTests(Engine.Postgres);
