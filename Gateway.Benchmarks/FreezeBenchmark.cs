using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Gateway.Benchmarks;

/// <summary>How long <c>POST /api/freeze</c> takes, over HTTP, with this many posts scheduled in Quartz's store.</summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 15, invocationCount: 1)]
[MemoryDiagnoser]
public class FreezeBenchmark
{
    private BenchGateway _gateway = null!;

    [Params(10_000, 100_000)]
    public int ScheduledPosts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _gateway = BenchGateway.StartAsync().GetAwaiter().GetResult();
        var start = DateTimeOffset.UtcNow.AddDays(1);
        _gateway.SubmitAsync(ScheduledPosts, i => start.AddMinutes(i)).GetAwaiter().GetResult();
    }

    [Benchmark]
    public Task Freeze() => _gateway.FreezeAsync();

    [IterationCleanup]
    public void Unfreeze() => _gateway.UnfreezeAsync().GetAwaiter().GetResult();

    [GlobalCleanup]
    public void Cleanup() => _gateway.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
