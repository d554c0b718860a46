using BenchmarkDotNet.Attributes;
using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;

namespace Gateway.Benchmarks;

/// <summary>
/// The check engine on one typical post (about 280 characters, hashtags, a mention, a link; no network) against every
/// default pack and the wrong-account check among 20 accounts, and on a batch to show it scales linearly. "contact"
/// is a shop's post with its toll-free number, press address and a customer's mobile number (the libphonenumber path).
/// Packs are loaded once, in setup.
/// </summary>
[MemoryDiagnoser]
public class RulesBenchmark
{
    private const string Typical =
        "Our spring collection is here! 🌷 Fresh colours for the garden, lighter jackets for the city and a few surprises " +
        "for the kids. Come and see it this weekend in all our stores, or order online: https://shop.example.com/spring " +
        "Thanks to @acme_design for the photos. #SpringSale #NewIn #Garden";

    private const string Contact =
        "Questions about your order? Call us free on 0800 123 4567 (Mon–Fri 9–17) or write to press@example.com. " +
        "@jane_doe we have tried to reach you on 07911 123456 — please check your messages. #CustomerCare";

    private CheckPipeline _pipeline = null!;
    private CheckInput[] _batch = null!;
    private CheckInput _typical = null!;

    [Params(1, 10_000)]
    public int Posts { get; set; }

    [Params("typical", "contact")]
    public string Body { get; set; } = "typical";

    [GlobalSetup]
    public void Setup()
    {
        var rules = Path.Combine(BenchGateway.FindRoot(), "rules");
        var packs = StaticRulePackSource.Load(rules);
        var account = new AccountProfile("acme", "x", "brand", "en") { Handle = "acme", Names = ["Acme"] };
        var accounts = new StaticAccountDirectory([account, .. Enumerable.Range(1, 19).Select(i =>
            new AccountProfile($"acme-{i}", "x", "brand", "en") { Handle = $"acme_{i}", Names = [$"Acme Region {i}", $"AcmeGo {i}"] })]);
        _pipeline = new CheckPipeline([.. DefaultChecks.Create(packs, NetworkLimits.Load(rules)), new WrongAccountCheck(packs, accounts)]);
        var body = Body == "contact" ? Contact : Typical;
        _typical = new CheckInput(body, account, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        // Distinct bodies, so nothing is answered from a cache.
        _batch = Enumerable.Range(0, Posts).Select(i => _typical with { Body = body.Replace("order", $"order {i}").Replace("spring", $"spring {i}") }).ToArray();
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
