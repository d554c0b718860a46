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
    }
}
