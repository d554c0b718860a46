using BenchmarkDotNet.Attributes;
using Gateway.Accounts;
using Gateway.Rules;
using Gateway.Rules.Hashtags;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Benchmarks;

/// <summary>
/// What <c>hashtag.history</c> adds to a submit: the check alone (the pipeline runs checks side by side, so this is the
/// added latency when it is the slowest), inside a real gateway, for a post with one or three hashtags. "cold" reads
/// every tag from a Mastodon tag timeline on loopback (40 statuses of HTML, a third about a shooting); "cached" is
/// answered from the sampler's cache. Loopback has no network delay: on a real instance add its round trip, bounded by
/// <c>Gateway:HashtagHistory:Budget</c>.
/// </summary>
[MemoryDiagnoser]
public class HashtagHistoryBenchmark
{
    private WebApplication _instance = null!;
    private BenchGateway _gateway = null!;
    private ICheck _check = null!;
    private AccountProfile _account = null!;
    private int _round;

    [Params(1, 3)]
    public int Tags { get; set; }

    [Params("cold", "cached")]
    public string Cache { get; set; } = "cold";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _instance = builder.Build();
        _instance.MapGet("/api/v1/timelines/tag/{hashtag}", (string hashtag) => Results.Json(Timeline(hashtag)));
        await _instance.StartAsync();

        _gateway = await BenchGateway.StartAsync("--Gateway:Publishing:AllowPrivateAddresses=true", "--Gateway:HashtagHistory:Budget=00:00:10");
        await _gateway.App.Services.GetRequiredService<AccountStore>().SaveAsync("masto",
            new AccountRequest("masto", null, "brand", "en", ["bench"], new PublisherRequest(PublisherSettings.Mastodon, Instance: _instance.Urls.First())),
            create: true, "bench");
        _check = _gateway.App.Services.GetServices<ICheck>().OfType<HashtagHistoryCheck>().Single();
        _account = new AccountProfile("masto", "mastodon", "brand", "en");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _gateway.DisposeAsync();
        await _instance.DisposeAsync();
    }

    [Benchmark]
    public async Task<int> Submit()
    {
        // Cold: tags never asked before, so each is read from the instance; cached: the same tags every time.
        var round = Cache == "cold" ? Interlocked.Increment(ref _round) : 0;
        var body = "Open late tonight in all our stores! " + string.Join(" ", Enumerable.Range(0, Tags).Select(t => $"#Tag{round}x{t}"));
        var input = new CheckInput(body, _account, DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow);
        return (await _check.RunAsync(input, CancellationToken.None)).Count;
    }

    private static object[] Timeline(string tag) => Enumerable.Range(0, 40).Select(i => (object)new
    {
        id = (110_000_000_000_000_000L - i).ToString(System.Globalization.CultureInfo.InvariantCulture),
        created_at = DateTimeOffset.UtcNow.AddMinutes(-10 * i).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"),
        language = "en",
        spoiler_text = "",
        url = $"https://elsewhere.example/@someone/{i}",
        uri = $"https://elsewhere.example/users/someone/statuses/{i}",
        content = i % 3 == 0
            ? $"<p>Thoughts with everyone after the mass shooting downtown. <a href=\"https://elsewhere.example/tags/{tag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{tag}</span></a></p>"
            : $"<p>Lovely autumn market today, try the apple cake!<br>See you there. <a href=\"https://elsewhere.example/tags/{tag}\" class=\"mention hashtag\" rel=\"tag\">#<span>{tag}</span></a></p>",
        account = new { id = "1", username = "someone", acct = "someone@elsewhere.example" },
    }).ToArray();
}
