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
        var publishedWhenFreezeReturned = gateway.OutboxIds().ToHashSet();
        Assert.Equal(HttpStatusCode.OK, freeze.StatusCode);

        await Task.Delay(firstDue.AddSeconds(4) - DateTimeOffset.UtcNow); // past the end of the burst
        Assert.Equal(publishedWhenFreezeReturned.Order(), gateway.OutboxIds().Order());

        var all = await gateway.Service<PostStore>().ListAsync(null, "acme", 2000);
        var published = all.Where(p => p.Status == PostStatus.Published).Select(p => p.Id).ToHashSet();
        Assert.Equal(publishedWhenFreezeReturned.Order(), published.Order());
        Assert.All(all.Where(p => !published.Contains(p.Id)), p => Assert.Contains(p.Status, new[] { PostStatus.Scheduled, PostStatus.Held }));
        Assert.Equal(1000, all.Count);
    }
}
