using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Links;

/// <summary>The link check against a real Kestrel server on loopback (AllowPrivateAddresses on, as in tests and intranets).</summary>
public sealed class LinkCheckHttpTests : IAsyncLifetime
{
    private LinkSite _site = null!;

    public async Task InitializeAsync() => _site = await LinkSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private string Url(string path) => _site.Origin + path;

    private static async Task<IReadOnlyList<Finding>> Check(string body, LinkSettings? settings = null) =>
        await LinkKit.OverHttp(LinkKit.Rules(settings)).RunAsync(body);

    [Fact]
    public async Task A_working_page_has_no_findings_and_is_read_with_head_then_get()
    {
        var findings = await Check($"Our sale: {Url("/article")}");

        Assert.Empty(findings);
        Assert.Equal(["HEAD", "GET"], _site.HitsOn("/article").Select(h => h.Method));
        Assert.All(_site.Hits, h => Assert.StartsWith("CrisisGatewayLinkCheck/1.0", h.UserAgent));
    }

    [Fact]
    public async Task A_file_that_answers_head_is_not_downloaded()
    {
        Assert.Empty(await Check($"![photo]({Url("/photo.png")})"));
        Assert.Equal(["HEAD"], _site.HitsOn("/photo.png").Select(h => h.Method));
    }

    [Theory]
    [InlineData("/gone-404", "404", "404 Not Found")]
    [InlineData("/gone-410", "410", "410 Gone")]
    public async Task Not_found_and_gone_are_broken(string path, string status, string reason)
    {
        var body = $"See [the offer]({Url(path)}) now";
        var finding = Assert.Single(await Check(body));

        Assert.Equal($"link.broken block {Url(path)} {status}", LinkKit.Summaries([finding])[0]);
        Assert.Equal(body.IndexOf(Url(path), StringComparison.Ordinal), finding.Start);
        Assert.Equal(Url(path).Length, finding.Length);
        Assert.Equal(reason, finding.Evidence!["reason"]);
        Assert.Equal($"This link is broken: {reason}. Fix the address or remove the link.", finding.Message);
        // 404/410 are not retried: one HEAD, one GET.
        Assert.Equal(["HEAD", "GET"], _site.HitsOn(path).Select(h => h.Method));
    }

    [Fact]
    public async Task A_page_whose_title_says_not_found_is_a_soft_404()
    {
        var finding = Assert.Single(await Check(Url("/sale-ended")));

        Assert.Equal($"link.soft-404 block {Url("/sale-ended")} 200", LinkKit.Summaries([finding])[0]);
        Assert.Contains("seite nicht gefunden", finding.Evidence!["reason"]);
        Assert.Contains("de:", finding.Evidence["reason"]);
    }

    [Fact]
    public async Task A_page_that_looks_like_the_sites_answer_to_a_random_path_is_a_soft_404()
    {
        var findings = await Check($"{Url("/discontinued-tent")} and {Url("/article")}");

        Assert.Equal([$"link.soft-404 block {Url("/discontinued-tent")} 200"], LinkKit.Summaries(findings));
        Assert.Equal("it shows the same page the site shows for an address that does not exist", findings[0].Evidence!["reason"]);
        // The random path is asked once for the whole site, not per link.
        Assert.Single(_site.Hits, h => h.PathAndQuery.EndsWith("-gateway-link-check", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_chain_is_reported_with_its_hops_and_final_address()
    {
        var finding = Assert.Single(await Check(Url("/chain/1")));

        Assert.Equal($"link.redirected info {Url("/chain/1")} 200", LinkKit.Summaries([finding])[0]);
        Assert.Equal(Url("/article"), finding.Evidence!["final-url"]);
        Assert.Equal($"301 {Url("/chain/1")} → 302 {Url("/chain/2")} → 200 {Url("/article")}", finding.Evidence["hops"]);
    }

    [Fact]
    public async Task A_redirect_to_another_host_is_a_warning()
    {
        var finding = Assert.Single(await Check(Url("/elsewhere")));

        Assert.Equal($"link.redirected warning {Url("/elsewhere")} 200", LinkKit.Summaries([finding])[0]);
        Assert.Equal($"{_site.OtherOrigin}/article", finding.Evidence!["final-url"]);
    }

    [Fact]
    public async Task A_redirect_loop_and_an_endless_chain_are_broken()
    {
        var findings = await Check($"{Url("/loop/a")} {Url("/endless")}");

        Assert.Equal([$"link.broken block {Url("/loop/a")} 302", $"link.broken block {Url("/endless")} 302"], LinkKit.Summaries(findings));
        Assert.Equal("it redirects in a loop", findings[0].Evidence!["reason"]);
        Assert.Equal("it redirects more than 5 times", findings[1].Evidence!["reason"]);
        Assert.Equal(6, _site.Hits.Count(h => h.Method == "GET" && h.PathAndQuery.StartsWith("/endless", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_slow_link_uses_up_the_budget_and_is_unreachable()
    {
        // The budget leaves the fast link room on a loaded machine and still ends long before /slow answers (5 s).
        var settings = LinkKit.Fast with { Budget = TimeSpan.FromSeconds(2), RequestTimeout = TimeSpan.FromSeconds(4), Retries = 0 };
        var findings = await Check($"{Url("/slow")} {Url("/article")}", settings);

        Assert.Equal([$"link.unreachable review {Url("/slow")}"], LinkKit.Summaries(findings));
        Assert.Equal("time budget used up", findings[0].Evidence!["reason"]);
    }

    [Fact]
    public async Task A_link_that_times_out_on_every_attempt_is_unreachable()
    {
        // 1 s, not less: on a loaded CI machine a shorter timeout can end the HEAD before it reaches the site.
        var settings = LinkKit.Fast with { RequestTimeout = TimeSpan.FromSeconds(1), Retries = 1 };
        var finding = Assert.Single(await Check(Url("/slow"), settings));

        Assert.Equal($"link.unreachable review {Url("/slow")}", LinkKit.Summaries([finding])[0]);
        Assert.Equal("127.0.0.1 did not answer within 1 s, also after retrying", finding.Evidence!["reason"]);
        // HEAD once (no retries for HEAD), GET twice (one retry for a timeout).
        Assert.Equal(["HEAD", "GET", "GET"], _site.HitsOn("/slow").Select(h => h.Method));
    }

    [Fact]
    public async Task Retry_after_on_429_is_waited_for_and_then_the_page_passes()
    {
        Assert.Empty(await Check(Url("/busy-once")));

        var hits = _site.HitsOn("/busy-once");
        Assert.Equal(["HEAD", "GET"], hits.Select(h => h.Method));
        Assert.True(hits[1].At - hits[0].At >= TimeSpan.FromMilliseconds(900), $"the GET came {hits[1].At - hits[0].At} after the 429");
    }

    [Fact]
    public async Task Still_429_after_retries_is_unverifiable()
    {
        var finding = Assert.Single(await Check(Url("/busy")));

        Assert.Equal($"link.unverifiable warning {Url("/busy")} 429", LinkKit.Summaries([finding])[0]);
        Assert.Equal(["HEAD", "GET", "GET"], _site.HitsOn("/busy").Select(h => h.Method));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_limit_is_not_waited_for()
    {
        var finding = Assert.Single(await Check(Url("/busy-long")));

        Assert.Equal($"link.unreachable review {Url("/busy-long")} 503", LinkKit.Summaries([finding])[0]);
        Assert.Equal(["HEAD"], _site.HitsOn("/busy-long").Select(h => h.Method));
    }

    [Fact]
    public async Task Server_errors_are_retried_and_then_unreachable()
    {
        var finding = Assert.Single(await Check(Url("/error-500")));

        Assert.Equal($"link.unreachable review {Url("/error-500")} 500", LinkKit.Summaries([finding])[0]);
        Assert.Equal(["HEAD", "GET", "GET"], _site.HitsOn("/error-500").Select(h => h.Method));
    }

    [Fact]
    public async Task Bot_walls_are_unverifiable_not_broken()
    {
        var findings = await Check($"{Url("/members")} {Url("/in/someone")}");

        Assert.Equal(
            [$"link.unverifiable warning {Url("/members")} 403", $"link.unverifiable warning {Url("/in/someone")} 999"],
            LinkKit.Summaries(findings));
        Assert.Equal(["HEAD", "GET"], _site.HitsOn("/members").Select(h => h.Method));
    }

    [Fact]
    public async Task Head_refused_with_405_falls_back_to_get()
    {
        Assert.Empty(await Check(Url("/no-head")));
        Assert.Equal(["HEAD", "GET"], _site.HitsOn("/no-head").Select(h => h.Method));
    }

    [Fact]
    public async Task A_fragment_that_no_element_carries_is_a_missing_anchor()
    {
        var findings = await Check($"{Url("/article#intro")} {Url("/article#legacy")} {Url("/article#prices")}");

        var finding = Assert.Single(findings);
        Assert.Equal($"link.missing-anchor warning {Url("/article#prices")} 200", LinkKit.Summaries([finding])[0]);
        Assert.Equal("prices", finding.Evidence!["anchor"]);
        // Three fragments of one page: the page is fetched once.
        Assert.Equal(["HEAD", "GET"], _site.HitsOn("/article").Select(h => h.Method));
    }

    [Fact]
    public async Task A_name_that_does_not_resolve_and_a_refused_connection_are_broken()
    {
        int closedPort;
        using (var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        }
        var refused = $"http://127.0.0.1:{closedPort}/";
        var findings = await Check($"http://no-such-host.invalid/page {refused}");

        Assert.Equal(["link.broken block http://no-such-host.invalid/page", $"link.broken block {refused}"], LinkKit.Summaries(findings));
        Assert.Equal("the name no-such-host.invalid does not resolve", findings[0].Evidence!["reason"]);
        Assert.Equal($"127.0.0.1:{closedPort} refuses connections", findings[1].Evidence!["reason"]);
    }

    [Fact]
    public async Task A_hundred_posts_with_the_same_link_fetch_it_once()
    {
        var check = LinkKit.OverHttp(LinkKit.Rules());
        var posts = Enumerable.Range(0, 100).Select(i => check.RunAsync($"Post {i}: {Url("/article")}"));

        var results = await Task.WhenAll(posts);

        Assert.All(results, Assert.Empty);
        Assert.Equal(["HEAD", "GET"], _site.HitsOn("/article").Select(h => h.Method));
        Assert.Empty(await check.RunAsync($"Later: {Url("/article")}"));
        Assert.Equal(2, _site.HitsOn("/article").Count);
    }

    [Fact]
    public async Task Hosts_are_checked_at_once_but_each_host_only_so_many_at_a_time()
    {
        var settings = LinkKit.Fast with { PerHostConcurrency = 2 };
        var links = Enumerable.Range(0, 6).SelectMany(i => new[] { $"<{_site.Origin}/gate?i={i}>", $"<{_site.OtherOrigin}/gate?i={i}>" });

        Assert.Empty(await Check(string.Join(" ", links), settings));

        Assert.Equal(2, _site.MaxInFlightByHost["127.0.0.1"]);
        Assert.Equal(2, _site.MaxInFlightByHost["localhost"]);
        Assert.Equal(4, _site.MaxInFlight);
    }

    [Fact]
    public async Task Requests_to_one_host_are_spaced()
    {
        var settings = LinkKit.Fast with { PerHostSpacing = TimeSpan.FromMilliseconds(300) };
        Assert.Empty(await Check($"{Url("/photo.png?a")} {Url("/photo.png?b")} {Url("/photo.png?c")}", settings));

        var starts = _site.Hits.Select(h => h.At).Order().ToArray();
        Assert.Equal(3, starts.Length);
        // Spaced where they are sent; the site sees arrivals, and on a loaded machine the first can arrive late (its
        // connection is opened first), so the span of all three is what shows the spacing: 600 ms sent, 0 unspaced.
        Assert.True(starts[^1] - starts[0] >= TimeSpan.FromMilliseconds(400), $"three requests arrived within {starts[^1] - starts[0]}");
    }

    [Fact]
    public async Task Disabled_the_check_finds_nothing_and_sends_nothing()
    {
        var rules = LinkKit.Rules();
        var check = new LinkCheck(rules, new HttpUrlFetcher(rules, new LinkCheckOptions()),
            new LinkCheckOptions { Enabled = false, AllowPrivateAddresses = true }, TimeProvider.System);

        Assert.Empty(await check.RunAsync($"{Url("/gone-404")} http://127.0.0.1/ [x](file:///etc/passwd)"));
        Assert.Empty(_site.Hits);
    }

    [Fact]
    public void The_check_runs_again_at_fire_time()
    {
        Assert.True(LinkKit.OverHttp(LinkKit.Rules()).RerunAtFireTime);
    }
}
