using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Gateway.Benchmarks;

/// <summary>
/// How long <c>POST /api/freeze</c> and <c>DELETE /api/freeze</c> take, over HTTP, with this many posts scheduled in
/// Quartz's store (none of them due). A freeze touches no trigger, so the size should not matter.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15, invocationCount: 1)]
[MemoryDiagnoser]
[MinColumn, MedianColumn, MaxColumn]
public class FreezeBenchmark
{
    private BenchGateway _gateway = null!;

    [Params(100, 100_000)]
    public int ScheduledPosts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gateway = BenchGateway.StartAsync().GetAwaiter().GetResult();
        var start = DateTimeOffset.UtcNow.AddDays(1);
        _gateway.SeedAsync(ScheduledPosts, i => start.AddMinutes(i)).GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task Freeze() => _gateway.FreezeAsync();

    [IterationCleanup(Target = nameof(Freeze))]
    public void AfterFreeze() => _gateway.UnfreezeAsync().GetAwaiter().GetResult();

    [IterationSetup(Target = nameof(Unfreeze))]
    public void BeforeUnfreeze() => _gateway.FreezeAsync().GetAwaiter().GetResult();

    [Benchmark]
    public Task Unfreeze() => _gateway.UnfreezeAsync();

    [GlobalCleanup]
    public void Cleanup() => _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
