using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Links;

/// <summary>The engine over a fake web: no sockets, exact control of answers and time.</summary>
public sealed class LinkCheckOfflineTests
{
    private static LinkCheck Check(FakeWeb web, LinkRules? rules = null, TimeProvider? time = null) =>
        new(rules ?? LinkKit.Rules(), web, new LinkCheckOptions(), time ?? TimeProvider.System);

    [Fact]
    public async Task Http_where_https_works_is_insecure()
    {
        var web = new FakeWeb().Page("http://shop.example/sale").Page("https://shop.example/sale");

        var finding = Assert.Single(await Check(web).RunAsync("Sale: http://shop.example/sale"));

        Assert.Equal("link.insecure warning http://shop.example/sale 200", LinkKit.Summaries([finding])[0]);
        Assert.Equal("https://shop.example/sale", finding.Evidence!["https-url"]);
    }

    [Fact]
    public async Task A_bare_idn_link_is_checked_like_a_markdown_link()
    {
        var web = new FakeWeb().Page("https://bücher.de/angebot");
        var check = Check(web);
        var body = "Neu: https://bücher.de/angebot und https://bücher.de/weg.";

        var finding = Assert.Single(await check.RunAsync(body));
        var linked = Assert.Single(await check.RunAsync("Neu: [weg](https://bücher.de/weg)"));

        Assert.Equal("link.broken block https://bücher.de/weg 404", LinkKit.Summaries([finding])[0]);
        Assert.Equal((body.IndexOf("https://bücher.de/weg", StringComparison.Ordinal), 21), (finding.Start, finding.Length));
        Assert.Equal(linked.Evidence, finding.Evidence);
        Assert.Contains("GET https://bücher.de/angebot", web.Calls);
    }

    [Fact]
    public async Task Http_where_https_does_not_answer_is_fine()
    {
        var web = new FakeWeb().Page("http://old.example/sale");

        Assert.Empty(await Check(web).RunAsync("Sale: http://old.example/sale"));
        Assert.Contains("GET https://old.example/sale", web.Calls);
    }

    [Fact]
    public async Task Http_that_the_site_upgrades_to_https_is_insecure_and_not_also_redirected()
    {
        var web = new FakeWeb().Redirect("http://shop.example/sale", "https://shop.example/sale").Page("https://shop.example/sale");

        var finding = Assert.Single(await Check(web).RunAsync("Sale: http://shop.example/sale"));

        Assert.Equal("link.insecure warning http://shop.example/sale 200", LinkKit.Summaries([finding])[0]);
    }

    [Fact]
    public async Task The_cache_lasts_its_ttl_on_the_injected_clock()
    {
        var time = new ManualTime(DateTimeOffset.Parse("2030-01-01T12:00:00Z"));
        var web = new FakeWeb().Page("https://shop.example/sale");
        var check = Check(web, LinkKit.Rules(LinkKit.Fast with { CacheTtl = TimeSpan.FromMinutes(10) }), time);
        int Gets() => web.Calls.Count(c => c == "GET https://shop.example/sale");

        await check.RunAsync("https://shop.example/sale");
        time.Advance(TimeSpan.FromMinutes(9));
        await check.RunAsync("https://shop.example/sale");
        Assert.Equal(1, Gets());

        time.Advance(TimeSpan.FromMinutes(2));
        await check.RunAsync("https://shop.example/sale");
        Assert.Equal(2, Gets());
    }

    [Fact]
    public async Task A_page_that_redirects_where_missing_pages_go_is_a_soft_404()
    {
        var web = new FakeWeb()
            .Redirect("https://shop.example/tent-2019", "https://shop.example/", 302)
            .Page("https://shop.example/", LinkSite.CatchAllHtml);
        // Any other address (the random probe) also lands on the home page.
        var check = new LinkCheck(LinkKit.Rules(), new RedirectEverythingElse(web, "https://shop.example/"), new LinkCheckOptions(), TimeProvider.System);

        var finding = Assert.Single(await check.RunAsync("https://shop.example/tent-2019"));

        Assert.Equal("link.soft-404 block https://shop.example/tent-2019 200", LinkKit.Summaries([finding])[0]);
        Assert.Equal("https://shop.example/", finding.Evidence!["final-url"]);
    }

    [Fact]
    public async Task The_home_page_is_not_compared_with_the_random_path()
    {
        var web = new FakeWeb().Page("https://shop.example/", LinkSite.CatchAllHtml);
        var check = new LinkCheck(LinkKit.Rules(), new RedirectEverythingElse(web, "https://shop.example/"), new LinkCheckOptions(), TimeProvider.System);

        Assert.Empty(await check.RunAsync("https://shop.example/"));
    }

    [Fact]
    public async Task Denied_domains_are_blocked_without_a_request_and_also_when_a_redirect_lands_there()
    {
        var rules = new LinkRules(LinkKit.Fast, LinkKit.Shipped.Soft404Phrases, ShortenerAction.Expand, [],
            new Dictionary<string, string> { ["scam.example"] = "known phishing host" }, []);
        var web = new FakeWeb().Redirect("https://news.example/story", "https://login.scam.example/").Page("https://login.scam.example/");

        var findings = await Check(web, rules).RunAsync("https://www.scam.example/win and https://news.example/story");

        Assert.Equal(
            ["link.denied-domain block https://www.scam.example/win", "link.denied-domain block https://news.example/story 200"],
            LinkKit.Summaries(findings));
        Assert.Equal("known phishing host", findings[0].Evidence!["reason"]);
        Assert.DoesNotContain(web.Calls, c => c.Contains("www.scam.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Allowed_domains_are_trusted_without_a_request()
    {
        var rules = new LinkRules(LinkKit.Fast, LinkKit.Shipped.Soft404Phrases, ShortenerAction.Expand, [],
            new Dictionary<string, string>(), ["intranet.example"]);
        var web = new FakeWeb();

        Assert.Empty(await Check(web, rules).RunAsync("https://wiki.intranet.example/crisis-plan"));
        Assert.Empty(web.Calls);
    }

    [Fact]
    public async Task A_shortener_is_expanded_and_its_target_checked()
    {
        var web = new FakeWeb().Redirect("https://bit.ly/3abc", "https://shop.example/gone").Page("https://shop.example/sale")
            .Redirect("https://bit.ly/3def", "https://shop.example/sale");

        var findings = await Check(web).RunAsync("https://bit.ly/3abc https://bit.ly/3def");

        Assert.Equal(["link.broken block https://bit.ly/3abc 404", "link.shortener warning https://bit.ly/3def 200"], LinkKit.Summaries(findings));
        Assert.Equal("https://shop.example/sale", findings[1].Evidence!["final-url"]);
    }

    [Fact]
    public async Task Denied_shorteners_are_blocked_without_a_request()
    {
        var rules = new LinkRules(LinkKit.Fast, LinkKit.Shipped.Soft404Phrases, ShortenerAction.Deny, ["bit.ly"],
            new Dictionary<string, string>(), []);
        var web = new FakeWeb();

        var finding = Assert.Single(await Check(web, rules).RunAsync("https://bit.ly/3abc"));

        Assert.Equal("link.shortener block https://bit.ly/3abc", LinkKit.Summaries([finding])[0]);
        Assert.Empty(web.Calls);
    }

    /// <summary>Answers like <paramref name="web"/>, but any address it does not know redirects to <paramref name="home"/>.</summary>
    private sealed class RedirectEverythingElse(FakeWeb web, string home) : IUrlFetcher
    {
        public async Task<FetchResponse> FetchAsync(HttpMethod method, Uri url, bool readBody, CancellationToken cancellationToken)
        {
            var answer = await web.FetchAsync(method, url, readBody, cancellationToken);
            return answer.Status == 404 ? new FetchResponse(302, Location: home) : answer;
        }
    }
}
