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
    public static async Task RunAsync(int posts, TimeSpan spread)
    {
        await using var gateway = await BenchGateway.StartAsync();
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
        var others = await store.ListAsync(null, "acme", posts, CancellationToken.None);
        var late = published.Select(p => (p.PublishedAt!.Value - p.ScheduledAt).TotalMilliseconds).Order().ToArray();
        Console.WriteLine($"{posts} posts due within {spread.TotalSeconds:F0} s: {late.Length} published, " +
                          $"{others.Count(p => p.Status != PostStatus.Published)} not");
        if (late.Length > 0)
        {
            double At(double q) => late[(int)Math.Min(late.Length - 1, Math.Floor(q * late.Length))];
            Console.WriteLine($"lateness ms: min {late[0]:F0}  p50 {At(0.5):F0}  p95 {At(0.95):F0}  p99 {At(0.99):F0}  max {late[^1]:F0}");
        }
    }
}
