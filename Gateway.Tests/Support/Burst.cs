using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Posts;
using Gateway.Scheduling;
using Gateway.Storage;

namespace Gateway.Tests.Support;

/// <summary>Many posts due at once, for the tests that kill gateways in the middle of them.</summary>
public static class Burst
{
    /// <summary>
    /// Stores <paramref name="count"/> posts to <paramref name="account"/> as submitting them would (rows, audit,
    /// Quartz jobs), in one commit, due 5 ms apart from <paramref name="at"/>: submitting 1,000 over HTTP takes longer
    /// than a burst should wait on a busy 2-core machine. Returns their ids.
    /// </summary>
    public static async Task<string[]> SeedAsync(TestGateway gateway, string account, int count, DateTimeOffset at)
    {
        var now = DateTimeOffset.UtcNow;
        var seeded = Enumerable.Range(0, count)
            .Select(i => new Post(Guid.CreateVersion7().ToString("N"), account, "root", $"Our spring range is here, part {i}.",
                PostStatus.Scheduled, null, at.AddMilliseconds(5 * i), [], now, now, null, null, 1))
            .ToList();
        var store = gateway.Service<PostStore>();
        await gateway.Service<Database>().InTransactionAsync(async (c, t) =>
        {
            foreach (var post in seeded)
            {
                await store.InsertAsync(c, t, post);
            }
            return true;
        });
        await gateway.Service<PostScheduler>().ScheduleManyAsync(seeded.Select(p => (p.Id, p.ScheduledAt)).ToList());
        return seeded.Select(p => p.Id).ToArray();
    }

    /// <summary>
    /// Every post (at most the API's 1,000 a page), in one query: listed status by status, a post that moves between
    /// two of the queries (an unconfirmed send settled meanwhile) would be in neither.
    /// </summary>
    public static async Task<IReadOnlyList<JsonElement>> AllPostsAsync(HttpClient http) =>
        (await http.GetFromJsonAsync<JsonElement>("/api/posts?limit=1000")).EnumerateArray().ToArray();
}
