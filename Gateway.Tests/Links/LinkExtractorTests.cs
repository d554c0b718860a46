using Gateway.Rules.Links;

namespace Gateway.Tests.Links;

public sealed class LinkExtractorTests
{
    private static string[] Extract(string body) =>
        LinkExtractor.Extract(body).Select(l =>
        {
            Assert.Equal(body.Substring(l.Start, l.Length), l.Match);
            return $"{l.Start}+{l.Length} {l.Url}";
        }).ToArray();

    [Fact]
    public void Markdown_links_images_autolinks_and_bare_urls_are_found_with_exact_spans()
    {
        var body = "🌷 [Sale](https://a.example/s \"t\") ![p](https://a.example/p.png) <https://b.example/x> see https://c.example/y?q=1. www.d.example";

        Assert.Equal(
        [
            "10+19 https://a.example/s",
            "40+23 https://a.example/p.png",
            "66+19 https://b.example/x",
            "91+23 https://c.example/y?q=1",
            "116+13 http://www.d.example",
        ], Extract(body));
    }

    [Fact]
    public void Reference_links_are_found_at_their_definition()
    {
        var body = "Read [the plan][plan] and [again][plan].\n\n[plan]: https://a.example/plan\n";

        Assert.Equal(["50+22 https://a.example/plan"], Extract(body));
    }

    [Fact]
    public void Inline_and_block_html_give_their_href_and_src()
    {
        var body = "Hi <a href=\"https://a.example/x?a=1&amp;b=2\">x</a>\n\n<div>\n<img src='https://b.example/i.png'>\n</div>\n";

        Assert.Equal(["12+31 https://a.example/x?a=1&b=2", "68+23 https://b.example/i.png"], Extract(body));
    }

    [Fact]
    public void Code_and_email_autolinks_are_not_links()
    {
        Assert.Empty(Extract("`https://a.example/x` and <press@example.com>\n\n    https://b.example/y\n"));
        Assert.Empty(Extract("`http://localhost:8080/preview` ``http://[::1]/x``\n\n```\nhttp://2130706433/\n```\n\n    http://0x7f000001/\n"));
        Assert.Empty(Extract("<pre>\nhttp://localhost/a\n</pre>\n\n<div><code>http://localhost/b</code></div>\n"));
    }

    [Theory]
    [InlineData("http://localhost:8080/preview")]
    [InlineData("http://[::1]/x")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("https://bücher.de/")]
    public void Bare_urls_with_any_host_are_found_with_exact_spans(string url)
    {
        var body = $"# Launch 🚀\n\nThe preview is at {url}.\n\n> Also (see {url}), **{url}**\n\n- item: {url}!\n";
        var expected = new List<string>();
        for (var at = body.IndexOf(url, StringComparison.Ordinal); at >= 0; at = body.IndexOf(url, at + 1, StringComparison.Ordinal))
        {
            expected.Add($"{at}+{url.Length} {url}");
        }

        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, Extract(body));
    }

    [Fact]
    public void Bare_urls_beside_markdown_links_and_html_are_found_once_each()
    {
        var body = "[http://localhost/a](https://b.example/y) and <http://localhost/c>, [d]: no\n\n"
            + "<div>\nsee http://intranet/e.\n</div>\n\nHi <a href=\"http://localhost/f\">_http://localhost/g_</a>\n\n[ref]: http://localhost/h\n";

        string At(string url) => $"{body.IndexOf(url, StringComparison.Ordinal)}+{url.Length} {url}";

        Assert.Equal(
        [
            At("http://localhost/a"),
            At("https://b.example/y"),
            At("http://localhost/c"),
            At("http://intranet/e"),
            At("http://localhost/f"),
            At("http://localhost/g"),
            At("http://localhost/h"),
        ], Extract(body));
    }
}
