using CsCheck;
using Gateway.Rules;
using Gateway.Rules.Links;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Links;

/// <summary>URLs in plain text, found as Mastodon, X and Bluesky link them.</summary>
public sealed class BareUrlsTests
{
    private static string[] Find(string text) =>
        BareUrls.Find(text).Select(u => $"{u.Start}+{u.Length} {u.Url}").ToArray();

    [Theory]
    [InlineData("http://localhost:8080/preview")]
    [InlineData("http://[::1]/x")]
    [InlineData("http://2130706433/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("https://bücher.de/")]
    [InlineData("http://intranet")]
    [InlineData("HTTPS://192.168.1.1:8443/admin?x=1#top")]
    [InlineData("http://[fe80::1%25eth0]:8080/")]
    [InlineData("http://user@10.0.0.7/")]
    public void Any_host_after_a_scheme_is_a_url(string url)
    {
        var text = $"Preview (see {url}), or 🌷{url}. Done";
        var first = text.IndexOf(url, StringComparison.Ordinal);
        var second = text.IndexOf(url, first + 1, StringComparison.Ordinal);

        Assert.Equal([$"{first}+{url.Length} {url}", $"{second}+{url.Length} {url}"], Find(text));
    }

    [Theory]
    [InlineData("Go to http://localhost/x.", "http://localhost/x")]
    [InlineData("Go to http://localhost/x... and", "http://localhost/x")]
    [InlineData("http://localhost/x, then", "http://localhost/x")]
    [InlineData("Really http://localhost/x!", "http://localhost/x")]
    [InlineData("Is it http://localhost/x?", "http://localhost/x")]
    [InlineData("(at http://localhost/x)", "http://localhost/x")]
    [InlineData("(at http://localhost:8080).", "http://localhost:8080")]
    [InlineData("see http://localhost:8080: it", "http://localhost:8080")]
    [InlineData("(https://en.wikipedia.org/wiki/Primer_(film)).", "https://en.wikipedia.org/wiki/Primer_(film)")]
    [InlineData("http://localhost/a_(b_(c))", "http://localhost/a_(b_(c))")]
    [InlineData("http://localhost/x(y", "http://localhost/x")]
    [InlineData("http://localhost/x?q=1&r=2.", "http://localhost/x?q=1&r=2")]
    [InlineData("http://localhost/?a[]=1]", "http://localhost/?a[]=1")]
    [InlineData("[http://[::1]]", "http://[::1]")]
    [InlineData("'http://localhost/x'", "http://localhost/x")]
    [InlineData("\"http://localhost/x\"", "http://localhost/x")]
    [InlineData("**http://localhost/x**", "http://localhost/x")]
    [InlineData("_http://localhost/x_", "http://localhost/x")]
    [InlineData("<http://localhost/x>", "http://localhost/x")]
    [InlineData("http://x.example,foo", "http://x.example")]
    [InlineData("„https://a.example/x“ says", "https://a.example/x“")] // twitter-text and Bluesky keep the quote: readers get it
    public void Sentence_punctuation_after_a_url_is_not_part_of_it(string text, string url)
    {
        var found = Assert.Single(BareUrls.Find(text));

        Assert.Equal((text.IndexOf(url, StringComparison.Ordinal), url.Length, url), (found.Start, found.Length, found.Url));
    }

    [Theory]
    [InlineData("e.g. this, i.e. that, etc.")]
    [InlineData("v1.2 is out; 3.5 km to go, 10:30 a.m. on 1.5.2024")]
    [InlineData("example.com and shop.example.org/sale are not linked without a scheme")]
    [InlineData("write to press@example.com or @team@social.example")]
    [InlineData("http: and https: alone, http:// or https:// with nothing after")]
    [InlineData("the www. prefix, www.example (one label) and www.a.b_c (underscore)")]
    [InlineData("glued: ahttp://localhost/x 1https://localhost/y $http://z #http://z @http://z")]
    [InlineData("C:\\temp, file.txt, 16:9, ftp://files.example/a.zip")]
    public void Prose_without_urls_has_none(string text) => Assert.Empty(BareUrls.Find(text));

    [Theory]
    [InlineData("www.d.example", "http://www.d.example")]
    [InlineData("at www.d.example/path?q=1.", "http://www.d.example/path?q=1")]
    [InlineData("(www.bücher.de:8080/x)", "http://www.bücher.de:8080/x")]
    public void Www_domains_are_urls_as_before(string text, string url) =>
        Assert.Equal(url, Assert.Single(BareUrls.Find(text)).Url);

    [Fact]
    public void Only_the_given_stretch_is_searched()
    {
        var text = "`http://localhost/a` http://localhost/b";

        Assert.Equal(["1+11 http://loca"], BareUrls.Find(text, 1, 12).Select(u => $"{u.Start}+{u.Length} {u.Url}"));
        Assert.Equal(["21+18 http://localhost/b"], BareUrls.Find(text, 20, text.Length).Select(u => $"{u.Start}+{u.Length} {u.Url}"));
        Assert.Empty(BareUrls.Find(text, 22, text.Length)); // "ttp://…" follows a letter: no URL starts inside a word
    }

    // Generated posts: prose (no scheme, no "www.", no Markdown code or HTML) around one URL of any host form.
    private static readonly Gen<string> Word =
        Gen.Char["abcdefghijklmnopqrstuvxyzABCDEFGHIJKLMNOPQRSTUVXYZ0123456789éüßж中"].Array[1, 8].Select(cs => new string(cs));

    private static readonly Gen<string> Prose =
        Gen.Select(Word, Gen.OneOf(" ", ", ", ". ", "! ", "? ", "; ", " (", ") ", " 🌷 ", " e.g. ", " 3.5 km ", " v1.2 ", " example.com ", " 10:30 ", "\n"))
            .Select(p => p.Item1 + p.Item2).Array[0, 6].Select(parts => string.Concat(parts).TrimEnd());

    private static readonly Gen<string> Label = Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"].Array[1, 10].Select(cs => new string(cs));

    private static readonly Gen<string> Host = Gen.OneOf(
        Gen.OneOf("localhost", "intranet", "bücher.de", "例え.jp", "a.example", "[::1]", "[fe80::1]", "[2001:db8::7]"),
        Label,
        Gen.Select(Label, Label, (a, b) => $"{a}.{b}.example"),
        Gen.Byte.Array[4].Select(b => string.Join('.', b)),
        Gen.UInt.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Gen.UInt.Select(n => "0x" + n.ToString("x", System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> Segment = Gen.OneOf(
        Label,
        Gen.Select(Label, Gen.OneOf(".", "_", "-", "~", "%20"), Label, (a, s, b) => a + s + b),
        Gen.Select(Label, Label, (a, b) => $"{a}_({b})"));

    private static readonly Gen<string> Url =
        from scheme in Gen.OneOf("http://", "https://", "HTTP://", "Https://")
        from host in Host
        from port in Gen.Int[1, 65535].Select(p => ":" + p).Array[0, 1].Select(string.Concat)
        from path in Segment.Array[0, 4].Select(s => s.Length == 0 ? "" : "/" + string.Join('/', s))
        from slash in Gen.OneOf("", "/")
        from query in Gen.Select(Label, Label, (k, v) => $"{k}={v}").Array[0, 3].Select(q => q.Length == 0 ? "" : "?" + string.Join('&', q))
        from fragment in Label.Select(f => "#" + f).Array[0, 1].Select(string.Concat)
        select scheme + host + port + path + slash + query + fragment;

    private static readonly Gen<(string Body, int Start, string Url)> Post =
        from before in Prose
        from opening in Gen.OneOf(" ", " (", "\n", " \"", " '", " **", " _")
        from url in Url
        from closing in Gen.OneOf("", ".", ",", "!", "?", ")", "...", "\"", "'", "**", "_", ":", ").")
        from after in Prose.Select(p => p.Length == 0 ? "" : " " + p)
        let head = before.Length == 0 ? "" : before + opening
        select (head + url + closing + after, head.Length, url);

    [Fact]
    public void A_url_in_generated_prose_is_found_exactly_by_the_link_check_and_the_length_counter()
    {
        var x = new NetworkLimit("x", int.MaxValue, LengthUnit.CodePoints, UrlLength: 23);
        Post.Sample(post =>
        {
            var link = Assert.Single(LinkExtractor.Extract(post.Body));
            Assert.Equal((post.Start, post.Url.Length, post.Url, post.Url), (link.Start, link.Length, link.Url, link.Match));
            var codePoints = post.Body.EnumerateRunes().Count() - post.Url.EnumerateRunes().Count();
            Assert.Equal(codePoints + 23, x.Measure(post.Body, out _));
        }, iter: 3000, print: p => p.Body);
    }

    [Fact]
    public void Any_text_gives_urls_within_it_that_do_not_overlap_and_never_throws()
    {
        var urlish = Gen.OneOf("http://", "HTTPS://", "www.", "[", "]", "(", ")", "<", ">", "`", "*", "_", " ", "\n", "    ", "0x7f", ":", "@",
                "#", "?", "%", ".", "/", "a", "1", "é", "🌷", "\uD83C", "。", "<a href=\"", "\">", "[x](")
            .Array[0, 30].Select(string.Concat);
        Gen.OneOf(Gen.String, urlish).Sample(text =>
        {
            var end = 0;
            foreach (var url in BareUrls.Find(text))
            {
                Assert.True(url.Start >= end && url.Length > 0 && url.End <= text.Length, $"{url} in \"{text}\"");
                Assert.True(url.HasScheme ? url.Url == text[url.Start..url.End] : url.Url == "http://" + text[url.Start..url.End]);
                end = url.End;
            }
            foreach (var link in LinkExtractor.Extract(text))
            {
                Assert.Equal(text.Substring(link.Start, link.Length), link.Match);
            }
        }, iter: 3000, print: t => t);
    }
}
