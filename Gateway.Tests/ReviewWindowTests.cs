using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>A post for "now" that needs a second opinion is given <c>Gateway:ReviewWindow</c> instead of expiring unreviewed at once.</summary>
public sealed class ReviewWindowTests
{
    private const string Tragedy = "Our thoughts are with the victims of the shooting.";

    [Fact]
    public async Task A_post_for_now_needing_review_waits_the_window_for_its_reviewers_and_goes_out_approved()
    {
        var window = TimeSpan.FromSeconds(4);
        using var gateway = new TestGateway(settings: new() { ["Gateway:ReviewWindow"] = window.ToString("c") });
        var admin = await gateway.SignInAsync("root", "admin");
        var eve = await gateway.SignInAsync("eve", "editor");
        await admin.CreateAccountAsync("acme", editors: ["eve"]);

        var before = DateTimeOffset.UtcNow;
        var post = await (await eve.PostJsonAsync("/api/posts", new { account = "acme", body = Tragedy })).ReadJsonAsync();
        var id = post.GetProperty("id").GetString()!;

        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        Assert.InRange(DateTimeOffset.Parse(post.GetProperty("scheduledAt").GetString()!), before + window, DateTimeOffset.UtcNow + window);
        // Two reviewers, as rules/policy.yml asks for a tragedy.
        foreach (var reviewer in (string[])["rita", "ravi"])
        {
            var session = await gateway.SignInAsync(reviewer, "reviewer");
            Assert.Equal(HttpStatusCode.OK, (await session.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" })).StatusCode);
        }
        Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "expired", "held", "failed"));
    }

    [Fact]
    public async Task A_post_for_now_nobody_reviews_expires_when_the_window_ends_and_a_clean_one_goes_out_at_once()
    {
        using var gateway = new TestGateway(settings: new() { ["Gateway:ReviewWindow"] = "00:00:02" });
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");

        var waiting = await (await admin.PostJsonAsync("/api/posts", new { account = "acme", body = Tragedy })).ReadJsonAsync();
        var clean = await (await admin.PostJsonAsync("/api/posts", new { account = "acme", body = "Storm update: all stores are open." })).ReadJsonAsync();

        Assert.Equal("pending_review", waiting.GetProperty("status").GetString());
        Assert.Equal("published", await admin.WaitForStatusAsync(clean.GetProperty("id").GetString()!, "published", "held", "failed"));
        Assert.Equal("expired", await admin.WaitForStatusAsync(waiting.GetProperty("id").GetString()!, "expired", "published", "held"));
    }
}
