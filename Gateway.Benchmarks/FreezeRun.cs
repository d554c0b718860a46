using System.Diagnostics;

namespace Gateway.Benchmarks;

/// <summary>
/// How long <c>POST /api/freeze</c> and <c>DELETE /api/freeze</c> take over HTTP with this many posts scheduled
/// (none due). A timed run beside <see cref="FreezeBenchmark"/>: seeding 100,000 posts on PostgreSQL takes minutes,
/// once, where BenchmarkDotNet would repeat the setup.
/// </summary>
public static class FreezeRun
{
    public static async Task RunAsync(int posts, int rounds, string[] database)
    {
        await using var gateway = await BenchGateway.StartAsync(database);
        var seed = Stopwatch.StartNew();
        var start = DateTimeOffset.UtcNow.AddDays(1);
        await gateway.SeedAsync(posts, i => start.AddSeconds(i));
        Console.WriteLine($"seeded {posts} posts in {seed.Elapsed.TotalSeconds:F1} s");
        var freezes = new List<double>();
        var unfreezes = new List<double>();
        await gateway.FreezeAsync(); // warm-up: connections, JIT
        await gateway.UnfreezeAsync();
        for (var i = 0; i < rounds; i++)
        {
            var watch = Stopwatch.StartNew();
            await gateway.FreezeAsync();
            freezes.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            await gateway.UnfreezeAsync();
            unfreezes.Add(watch.Elapsed.TotalMilliseconds);
        }
        Console.WriteLine($"{Engine(database)}, {posts} scheduled: freeze median {Median(freezes):F1} ms, max {freezes.Max():F1} ms; " +
                          $"unfreeze median {Median(unfreezes):F1} ms, max {unfreezes.Max():F1} ms ({rounds} rounds)");
    }

    public static string Engine(string[] database) => database.Length == 0 ? "sqlite" : "postgres";

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
