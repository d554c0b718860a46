using System.Net;
using Gateway.Posts;
using Gateway.Tests.Support;
using Gateway.Users;

namespace Gateway.Tests;

/// <summary>The kill switch under load: a thousand posts coming due around the freeze.</summary>
[Trait("Category", "Load")]
public sealed class FreezeLoadTests
{
    [Fact]
    public async Task Nothing_is_published_after_the_freeze_call_returns_while_1000_posts_come_due_around_it()
    {
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var service = gateway.Service<PostService>();
        var author = new User("root", Role.Admin, default, null);

        var firstDue = DateTimeOffset.UtcNow.AddSeconds(45); // time enough to submit them all on a busy 2-core machine
        for (var i = 0; i < 1000; i++)
        {
            // all due within the same two seconds
            await service.SubmitAsync(new SubmitPost("acme", $"Post {i}", firstDue.AddMilliseconds(i * 2).ToString("O")), author, CancellationToken.None);
        }
        Assert.True(DateTimeOffset.UtcNow < firstDue, "setup took longer than the lead time; raise it");

        await Task.Delay(firstDue.AddSeconds(1) - DateTimeOffset.UtcNow); // the middle of the burst
        var freeze = await admin.FreezeAsync("Breaking news");
        var returnedAt = DateTimeOffset.UtcNow;
        var publishedWhenFreezeReturned = gateway.OutboxIds().ToHashSet();
        Assert.Equal(HttpStatusCode.OK, freeze.StatusCode);
        // Otherwise the rest proves nothing: the freeze must land while posts are going out.
        Assert.True(publishedWhenFreezeReturned.Count is > 0 and < 1000,
            $"{publishedWhenFreezeReturned.Count} of 1000 were published when the freeze returned; it must land inside the burst");

        await Task.Delay(firstDue.AddSeconds(4) - DateTimeOffset.UtcNow); // past the end of the burst
        var outbox = File.ReadAllLines(gateway.OutboxPath).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(publishedWhenFreezeReturned.Order(), outbox.Select(l => l.GetProperty("id").GetString()!).Order()); // nothing since, nothing twice
        Assert.All(outbox, l => Assert.True(l.GetProperty("publishedAt").GetDateTimeOffset() <= returnedAt,
            $"{l.GetProperty("id")} went out at {l.GetProperty("publishedAt")}, after the freeze returned at {returnedAt:O}"));

        var all = await gateway.Service<PostStore>().ListAsync(null, "acme", 2000);
        Assert.Equal(1000, all.Count);
        var published = all.Where(p => p.Status == PostStatus.Published).ToArray();
        Assert.Equal(publishedWhenFreezeReturned.Order(), published.Select(p => p.Id).Order());
        Assert.All(published, p => Assert.True(p.PublishedAt <= returnedAt, $"{p.Id} published at {p.PublishedAt:O}, after the freeze returned at {returnedAt:O}"));
        // The rest wait: still scheduled (their trigger paused), or held by the gate because the freeze was there first
        // or stopped their send (then the outbox was asked, and confirmed it never received it).
        Assert.All(all.Where(p => p.Status != PostStatus.Published), p =>
        {
            Assert.Contains(p.Status, new[] { PostStatus.Scheduled, PostStatus.Held });
            Assert.Null(p.PublishedAt);
            if (p.Status == PostStatus.Held)
            {
                Assert.Matches("frozen|not confirmed as sent|never received", p.StatusReason);
            }
        });
    }
}
