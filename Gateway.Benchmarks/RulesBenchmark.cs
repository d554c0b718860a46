using BenchmarkDotNet.Attributes;
using Gateway.Rules;

namespace Gateway.Benchmarks;

/// <summary>
/// The check engine on one typical post (about 280 characters, hashtags, a mention, a link; no network) against every
/// default pack, and on a batch to show it scales linearly. Packs are loaded once, in setup.
/// </summary>
[MemoryDiagnoser]
public class RulesBenchmark
{
    private const string Typical =
        "Our spring collection is here! 🌷 Fresh colours for the garden, lighter jackets for the city and a few surprises " +
        "for the kids. Come and see it this weekend in all our stores, or order online: https://shop.example.com/spring " +
        "Thanks to @acme_design for the photos. #SpringSale #NewIn #Garden";

    private CheckPipeline _pipeline = null!;
    private CheckInput[] _batch = null!;
    private CheckInput _typical = null!;

    [Params(1, 10_000)]
    public int Posts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rules = Path.Combine(BenchGateway.FindRoot(), "rules");
        _pipeline = new CheckPipeline(DefaultChecks.Create(StaticRulePackSource.Load(rules), NetworkLimits.Load(rules)));
        var account = new AccountProfile("acme", "x", "brand", "en");
        _typical = new CheckInput(Typical, account, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        // Distinct bodies, so nothing is answered from a cache.
        _batch = Enumerable.Range(0, Posts).Select(i => _typical with { Body = Typical.Replace("spring", $"spring {i}") }).ToArray();
    }

    [Benchmark]
    public async Task<int> Check()
    {
        var findings = 0;
        foreach (var input in _batch)
        {
            findings += (await _pipeline.RunAsync(input, CheckPhase.Submit, CancellationToken.None)).Count;
        }
        return findings;
    }
}
