using System.Diagnostics;
using Gateway.Scheduling;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Benchmarks;

/// <summary>
/// What the reconciler's minute costs on a large queue: one pass over every waiting post and every trigger, with
/// none missing (the steady state) and with some stranded (after a crash). A timed run of the real stores.
/// </summary>
public static class ReconcileRun
{
    public static async Task RunAsync(int posts, int stranded)
    {
        await using var gateway = await BenchGateway.StartAsync();
        var ids = await gateway.SeedAsync(posts, i => DateTimeOffset.UtcNow.AddDays(1).AddSeconds(i));
        var scheduler = gateway.App.Services.GetRequiredService<PostScheduler>();
        var reconciler = ActivatorUtilities.CreateInstance<QueueReconciler>(gateway.App.Services);
        for (var round = 1; round <= 5; round++)
        {
            var watch = Stopwatch.StartNew();
            await reconciler.RunAsync(CancellationToken.None);
            Console.WriteLine($"{posts} waiting posts, none missing: pass {round} took {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        foreach (var id in ids.Take(stranded))
        {
            await scheduler.UnscheduleAsync(id);
        }
        var restore = Stopwatch.StartNew();
        await reconciler.RunAsync(CancellationToken.None);
        Console.WriteLine($"{posts} waiting posts, {stranded} without a trigger: the pass that restored them took {restore.Elapsed.TotalMilliseconds:F0} ms");
    }
}
