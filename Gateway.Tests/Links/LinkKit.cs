using System.Collections.Concurrent;
using System.Net;
using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Net;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Links;

/// <summary>Shared pieces for the link tests.</summary>
public static class LinkKit
{
    /// <summary>Settings that keep tests short: no spacing, short backoff, one retry.</summary>
    public static readonly LinkSettings Fast = new()
    {
        Budget = TimeSpan.FromSeconds(20),
        RequestTimeout = TimeSpan.FromSeconds(10),
        Retries = 1,
        RetryBackoff = TimeSpan.FromMilliseconds(10),
        PerHostSpacing = TimeSpan.Zero,
        PerHostConcurrency = 4,
    };

    public static readonly LinkRules Shipped = LinkRules.Load(Support.Paths.Rules);

    public static LinkRules Rules(LinkSettings? settings = null) => Shipped.WithSettings(settings ?? Fast);

    public static CheckInput Post(string body) => new(
        body,
        new AccountProfile("acct-1", "mastodon", "brand", "en"),
        DateTimeOffset.Parse("2030-01-01T12:00:00Z"),
        DateTimeOffset.Parse("2030-01-01T11:00:00Z"));

    public static LinkCheck OverHttp(LinkRules rules, bool allowPrivate = true, HostDialer? dialer = null) =>
        new(rules, new HttpUrlFetcher(rules, new LinkCheckOptions { AllowPrivateAddresses = allowPrivate }, dialer ?? HostDialer.Default),
            new LinkCheckOptions { AllowPrivateAddresses = allowPrivate }, TimeProvider.System);

    public static async Task<IReadOnlyList<Finding>> RunAsync(this LinkCheck check, string body) =>
        await check.RunAsync(Post(body), CancellationToken.None);

    /// <summary>"rule severity match status" per finding, for exact comparisons.</summary>
    public static string[] Summaries(IEnumerable<Finding> findings) =>
        findings.Select(f => $"{f.Rule} {f.Severity.ToName()} {f.Match}" +
            (f.Evidence?.TryGetValue("status", out var status) == true ? $" {status}" : "")).ToArray();
}

/// <summary>Time that moves only when the test says (timers still run on real time).</summary>
public sealed class ManualTime(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>An offline web: answers by method and URL, counts calls; unknown addresses answer 404.</summary>
public sealed class FakeWeb : IUrlFetcher
{
    private readonly Dictionary<string, FetchResponse> _answers = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    public FakeWeb Page(string url, string html = LinkSite.ArticleHtml)
    {
        _answers["GET " + url] = new FetchResponse(200, ContentType: "text/html", Body: html);
        _answers["HEAD " + url] = new FetchResponse(200, ContentType: "text/html");
        return this;
    }

    public FakeWeb Redirect(string url, string location, int status = 301)
    {
        _answers["GET " + url] = _answers["HEAD " + url] = new FetchResponse(status, Location: location);
        return this;
    }

    public Task<FetchResponse> FetchAsync(HttpMethod method, Uri url, bool readBody, CancellationToken cancellationToken)
    {
        var key = $"{method.Method} {url}";
        Calls.Enqueue(key);
        return Task.FromResult(_answers.GetValueOrDefault(key) ?? new FetchResponse(404));
    }
}

/// <summary>
/// Plays DNS for the SSRF tests: public.test is a "public" address (198.51.100.7, documentation range) that is wired to the
/// loopback test server; internal.test resolves to 10.1.2.3. Everything else goes to real DNS.
/// </summary>
public sealed class PlayedDns : HostDialer
{
    public static readonly IPAddress PublicAddress = IPAddress.Parse("198.51.100.7");

    public ConcurrentQueue<IPAddress[]> Connects { get; } = new();

    public override ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) => host switch
    {
        "public.test" => ValueTask.FromResult(new[] { PublicAddress }),
        "internal.test" => ValueTask.FromResult(new[] { IPAddress.Parse("10.1.2.3") }),
        _ => base.ResolveAsync(host, cancellationToken),
    };

    public override ValueTask<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        Connects.Enqueue(addresses);
        // Only the played public address is rewired; the guard has already checked it.
        var target = addresses.Select(a => a.Equals(PublicAddress) ? IPAddress.Loopback : a).ToArray();
        return base.ConnectAsync(target, port, cancellationToken);
    }
}
