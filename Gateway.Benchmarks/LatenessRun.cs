using System.Diagnostics;
using Gateway.Posts;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Benchmarks;

/// <summary>
/// How late posts go out when many are due at once: a measurement of the running system (Quartz firing,
/// the gate, the outbox), so it is a timed run rather than a BenchmarkDotNet micro-benchmark.
/// </summary>
public static class LatenessRun
{
    /// <param name="nodes">More than one: the others are gateway processes on the same PostgreSQL database and Quartz cluster.</param>
    public static async Task RunAsync(int posts, TimeSpan spread, string[] database, int nodes)
    {
        string[] cluster = nodes > 1 ? [.. database, "--Gateway:SchedulerName=bench-" + Guid.NewGuid().ToString("N")[..8]] : database;
        await using var gateway = await BenchGateway.StartAsync(cluster);
        var others = Enumerable.Range(1, nodes - 1).Select(_ => BenchGateway.StartProcess(cluster)).ToArray();
        var due = DateTimeOffset.UtcNow.AddSeconds(20 + posts / 100);
        var submit = Stopwatch.StartNew();
        await gateway.SubmitAsync(posts, i => due + spread * i / posts);
        Console.WriteLine($"submitted {posts} posts in {submit.Elapsed.TotalSeconds:F1} s ({submit.Elapsed.TotalMilliseconds / posts:F2} ms each)");

        var store = gateway.App.Services.GetRequiredService<PostStore>();
        var deadline = due + spread + TimeSpan.FromMinutes(5);
        IReadOnlyList<Post> published;
        while ((published = await store.ListAsync(PostStatus.Published, "acme", posts, CancellationToken.None)).Count < posts && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(500);
        }
        foreach (var node in others)
        {
            node.Kill(entireProcessTree: true);
        }
        var notPublished = await store.ListAsync(null, "acme", posts, CancellationToken.None);
        var late = published.Select(p => (p.PublishedAt!.Value - p.ScheduledAt).TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"{FreezeRun.Engine(database)}, {nodes} node(s), {posts} posts due within {spread.TotalSeconds:F0} s: {late.Length} published, " +
                          $"{notPublished.Count(p => p.Status != PostStatus.Published)} not");
        if (late.Length > 0)
        {
            double At(double q) => late[(int)Math.Min(late.Length - 1, Math.Floor(q * late.Length))];
            Console.WriteLine($"lateness ms: min {late[0]:F0}  p50 {At(0.5):F0}  p95 {At(0.95):F0}  p99 {At(0.99):F0}  max {late[^1]:F0}");
        }
    }
}
