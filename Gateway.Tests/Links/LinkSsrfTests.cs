using System.Net;
using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Net;
using Gateway.Rules.Checks;
using NSubstitute;

namespace Gateway.Tests.Links;

/// <summary>User-written URLs must never reach the gateway's own network (AllowPrivateAddresses off, the default).</summary>
public sealed class LinkSsrfTests : IAsyncLifetime
{
    private LinkSite _site = null!;

    public async Task InitializeAsync() => _site = await LinkSite.StartAsync();

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Theory]
    [InlineData("http://127.0.0.1/admin")]                      // loopback
    [InlineData("http://10.0.0.7/")]                            // private
    [InlineData("http://172.16.5.4/")]                          // private
    [InlineData("http://192.168.1.1/router")]                   // private
    [InlineData("http://169.254.169.254/latest/meta-data/")]    // link-local, cloud metadata
    [InlineData("http://100.64.0.1/")]                          // carrier-grade NAT
    [InlineData("http://0.0.0.0:8080/")]                        // unspecified
    [InlineData("http://224.0.0.1/")]                           // multicast
    [InlineData("http://[::1]/")]                               // IPv6 loopback
    [InlineData("http://[::]/")]                                // IPv6 unspecified
    [InlineData("http://[fd00:ec2::254]/latest/meta-data/")]    // unique local, AWS metadata over IPv6
    [InlineData("http://[fe80::1]/")]                           // IPv6 link-local
    [InlineData("http://[ff02::1]/")]                           // IPv6 multicast
    [InlineData("http://[::ffff:127.0.0.1]/")]                  // IPv4-mapped loopback
    [InlineData("http://[::ffff:a9fe:a9fe]/")]                  // IPv4-mapped metadata
    [InlineData("http://[64:ff9b::a9fe:a9fe]/")]                // NAT64 metadata
    [InlineData("https://[::7f00:1]/")]                         // IPv4-compatible loopback
    public async Task A_literal_internal_address_is_refused_without_a_request(string url)
    {
        var fetcher = Substitute.For<IUrlFetcher>();
        var check = new LinkCheck(LinkKit.Rules(), fetcher, new LinkCheckOptions(), TimeProvider.System);
        var body = $"Look: <{url}>";

        var finding = Assert.Single(await check.RunAsync(body));

        Assert.Equal($"link.private-address block {url}", LinkKit.Summaries([finding])[0]);
        Assert.Equal(body.IndexOf(url, StringComparison.Ordinal), finding.Start);
        Assert.Equal(url.Length, finding.Length);
        await fetcher.DidNotReceiveWithAnyArgs().FetchAsync(default!, default!, default, default);
    }

    [Theory]
    [InlineData("http://[::1]/x", "http://[::1]/x")]
    [InlineData("http://2130706433/", "http://127.0.0.1/")]          // integer
    [InlineData("http://0x7f000001/", "http://127.0.0.1/")]          // hex
    [InlineData("http://127.1/", "http://127.0.0.1/")]               // short
    [InlineData("http://0177.0.0.1/", "http://127.0.0.1/")]          // octal
    [InlineData("http://127.0.0.1./", "http://127.0.0.1./")]         // trailing dot: browsers open 127.0.0.1
    [InlineData("http://0xa9fea9fe/latest/", "http://169.254.169.254/latest/")] // metadata, hex
    [InlineData("http://10.0.0.7:3000/", "http://10.0.0.7:3000/")]
    public async Task A_bare_internal_address_gets_the_finding_a_markdown_link_to_it_gets(string url, string address)
    {
        var fetcher = Substitute.For<IUrlFetcher>();
        var check = new LinkCheck(LinkKit.Rules(), fetcher, new LinkCheckOptions(), TimeProvider.System);
        var bare = $"Preview 🚀 (at {url}).";

        var plain = Assert.Single(await check.RunAsync(bare));
        var linked = Assert.Single(await check.RunAsync($"Preview 🚀 [here]({url})."));

        Assert.Equal($"link.private-address block {url}", LinkKit.Summaries([plain])[0]);
        Assert.Equal((bare.IndexOf(url, StringComparison.Ordinal), url.Length), (plain.Start, plain.Length));
        Assert.Equal(address, plain.Evidence!["url"]);
        Assert.Equal((linked.Rule, linked.Severity, linked.Message, linked.Match), (plain.Rule, plain.Severity, plain.Message, plain.Match));
        Assert.Equal(linked.Evidence, plain.Evidence);
        await fetcher.DidNotReceiveWithAnyArgs().FetchAsync(default!, default!, default, default);
    }

    [Fact]
    public async Task A_bare_localhost_url_is_refused_like_a_markdown_link_and_the_server_never_sees_it()
    {
        var url = $"{_site.OtherOrigin}/preview"; // http://localhost:PORT/preview
        var bare = $"The preview is at {url}, have a look!";

        var plain = Assert.Single(await LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false).RunAsync(bare));
        var linked = Assert.Single(await LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false).RunAsync($"The preview is [here]({url})."));

        Assert.Equal($"link.private-address block {url}", LinkKit.Summaries([plain])[0]);
        Assert.Equal((bare.IndexOf(url, StringComparison.Ordinal), url.Length), (plain.Start, plain.Length));
        Assert.Equal("localhost resolves to an internal address", plain.Evidence!["reason"]);
        Assert.Equal((linked.Rule, linked.Severity, linked.Message), (plain.Rule, plain.Severity, plain.Message));
        Assert.Equal(linked.Evidence, plain.Evidence);
        Assert.Empty(_site.Hits);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "file")]
    [InlineData("gopher://10.0.0.1:70/_stats", "gopher")]
    [InlineData("ftp://files.example.com/a.zip", "ftp")]
    public async Task A_non_web_scheme_is_refused_without_a_request(string url, string scheme)
    {
        var fetcher = Substitute.For<IUrlFetcher>();
        var check = new LinkCheck(LinkKit.Rules(), fetcher, new LinkCheckOptions(), TimeProvider.System);

        var finding = Assert.Single(await check.RunAsync($"[download]({url})"));

        Assert.Equal($"link.private-address block {url}", LinkKit.Summaries([finding])[0]);
        Assert.Equal($"{scheme}: is not http or https", finding.Evidence!["reason"]);
        await fetcher.DidNotReceiveWithAnyArgs().FetchAsync(default!, default!, default, default);
    }

    [Fact]
    public async Task Mail_and_phone_links_are_left_alone()
    {
        var fetcher = Substitute.For<IUrlFetcher>();
        var check = new LinkCheck(LinkKit.Rules(), fetcher, new LinkCheckOptions(), TimeProvider.System);

        Assert.Empty(await check.RunAsync("[write us](mailto:press@example.com) or [call](tel:+4912345)"));
        await fetcher.DidNotReceiveWithAnyArgs().FetchAsync(default!, default!, default, default);
    }

    [Fact]
    public async Task A_literal_loopback_address_is_refused_before_any_connection_over_http()
    {
        var check = LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false);

        var finding = Assert.Single(await check.RunAsync($"<{_site.Origin}/article>"));

        Assert.Equal("link.private-address", finding.Rule);
        Assert.Empty(_site.Hits);
        Assert.Equal(0, check.Prober.Requests);
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_and_the_server_never_sees_it()
    {
        var check = LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false);
        var url = $"{_site.OtherOrigin}/article"; // localhost

        var finding = Assert.Single(await check.RunAsync($"<{url}>"));

        Assert.Equal($"link.private-address block {url}", LinkKit.Summaries([finding])[0]);
        Assert.Equal("localhost resolves to an internal address", finding.Evidence!["reason"]);
        Assert.Empty(_site.Hits);
    }

    [Fact]
    public async Task A_public_host_is_reached_through_the_guard()
    {
        var dns = new PlayedDns();
        var check = LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false, dialer: dns);

        Assert.Empty(await check.RunAsync($"<http://public.test:{_site.Port}/article>"));

        Assert.Equal(["HEAD", "GET"], _site.HitsOn("/article").Select(h => h.Method));
        Assert.All(dns.Connects, addresses => Assert.Equal([PlayedDns.PublicAddress], addresses));
    }

    [Fact]
    public async Task A_redirect_from_a_public_host_to_a_loopback_address_is_refused_at_that_hop()
    {
        var check = LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false, dialer: new PlayedDns());
        var url = $"http://public.test:{_site.Port}/to-loopback";

        var finding = Assert.Single(await check.RunAsync($"<{url}>"));

        Assert.Equal($"link.private-address block {url} 302", LinkKit.Summaries([finding])[0]);
        Assert.Equal("it redirects to 127.0.0.1, an internal address", finding.Evidence!["reason"]);
        Assert.Equal($"302 {url} → — http://127.0.0.1:{_site.Port}/article", finding.Evidence["hops"]);
        Assert.Equal(["HEAD"], _site.Hits.Select(h => h.Method)); // the public hop only; /article is never asked
    }

    [Fact]
    public async Task A_redirect_to_a_name_that_resolves_internally_is_refused_when_connecting()
    {
        var dns = new PlayedDns();
        var check = LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false, dialer: dns);
        var url = $"http://public.test:{_site.Port}/to-internal-name";

        var finding = Assert.Single(await check.RunAsync($"<{url}>"));

        Assert.Equal("link.private-address", finding.Rule);
        Assert.Equal("internal.test resolves to an internal address", finding.Evidence!["reason"]);
        Assert.Equal(["/to-internal-name"], _site.Hits.Select(h => h.PathAndQuery));
        Assert.DoesNotContain(dns.Connects, addresses => addresses.Contains(IPAddress.Parse("10.1.2.3")));
    }

    [Fact]
    public async Task A_redirect_to_a_file_address_is_refused()
    {
        var check = LinkKit.OverHttp(LinkKit.Rules(), allowPrivate: false, dialer: new PlayedDns());
        var url = $"http://public.test:{_site.Port}/to-file";

        var finding = Assert.Single(await check.RunAsync($"<{url}>"));

        Assert.Equal("link.private-address", finding.Rule);
        Assert.Equal("it redirects to a file: address, which is not followed", finding.Evidence!["reason"]);
    }

    [Theory]
    [InlineData("::7f00:1")]            // IPv4-compatible loopback
    [InlineData("::ffff:0:7f00:1")]     // IPv4-translated loopback
    [InlineData("64:ff9b:1::a9fe:a9fe")] // local-use NAT64
    public void Further_ipv6_forms_of_internal_addresses_are_forbidden(string address) =>
        Assert.True(AddressGuard.IsForbidden(IPAddress.Parse(address)));
}
