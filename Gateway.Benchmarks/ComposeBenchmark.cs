using BenchmarkDotNet.Attributes;
using Gateway.Accounts;
using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Web;

namespace Gateway.Benchmarks;

/// <summary>
/// What the compose page costs the server per pause in typing, for one to four target accounts: each account's checks
/// (every default pack, no network) and its counter and network preview (<see cref="NetworkPreview"/>: the plain text as
/// sent, measured by the network's rule). The page asks at most every 250 ms per editor.
/// </summary>
[MemoryDiagnoser, ShortRunJob]
public class ComposeBenchmark
{
    private const string Typical =
        "Our spring collection is here! 🌷 Fresh colours for the garden, lighter jackets for the city and a few surprises " +
        "for the kids. Come and see it this weekend in all our stores, or order online: https://shop.example.com/spring " +
        "Thanks to @acme_design for the photos. #SpringSale #NewIn #Garden";

    private static readonly string[] Networks = ["x", "mastodon", "bluesky", "linkedin"];

    private CheckPipeline _pipeline = null!;
    private NetworkLimits _limits = null!;
    private Account[] _accounts = null!;

    [Params(1, 4)]
    public int Accounts { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rules = Path.Combine(BenchGateway.FindRoot(), "rules");
        _limits = NetworkLimits.Load(rules);
        _pipeline = new CheckPipeline(DefaultChecks.Create(StaticRulePackSource.Load(rules), _limits));
        _accounts = Networks.Take(Accounts).Select(n =>
            new Account($"acme-{n}", n, "brand", "en", [], PublisherSettings.Default, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch)).ToArray();
    }

    [Benchmark]
    public async Task<int> LiveCheck()
    {
        var total = 0;
        foreach (var account in _accounts)
        {
            var findings = await _pipeline.RunAsync(new CheckInput(Typical, account.Profile, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), CheckPhase.Submit, CancellationToken.None);
            total += findings.Count + NetworkPreview.Of(account, Typical, _limits)!.Length;
        }
        return total;
    }

    [Benchmark]
    public int CountersOnly()
    {
        var total = 0;
        foreach (var account in _accounts)
        {
            total += NetworkPreview.Of(account, Typical, _limits)!.Length;
        }
        return total;
    }
}
