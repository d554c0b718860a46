using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class NetworkLimitsTests
{
    private static readonly NetworkLimits Shipped = NetworkLimits.Load(Paths.Rules);

    private static string WriteRules(string yaml)
    {
        var dir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, NetworkLimits.FileName), yaml);
        return dir;
    }

    [Theory]
    [InlineData("x", 280)]
    [InlineData("mastodon", 500)]
    [InlineData("bluesky", 300)]
    [InlineData("linkedin", 3000)]
    [InlineData("instagram", 2200)]
    public void The_shipped_pack_knows_the_networks(string network, int limit) =>
        Assert.Equal(limit, Shipped.For(network)?.Limit);

    [Fact]
    public void Bluesky_and_mastodon_count_graphemes_and_x_weighs_them_and_counts_links_as_23()
    {
        var family = "👨‍👩‍👧‍👦"; // one grapheme, seven code points: four emoji (2 each on X) and three joiners (1 each)
        Assert.Equal(1, Shipped.For("bluesky")!.Measure(family, out _));
        Assert.Equal(1, Shipped.For("mastodon")!.Measure(family, out _));
        Assert.Equal(23 + 4, Shipped.For("mastodon")!.Measure("See https://example.com/" + new string('p', 600), out _));
        Assert.Equal(11, Shipped.For("x")!.Measure(family, out _));
        Assert.Equal(23 + 4, Shipped.For("x")!.Measure("See https://example.com/" + new string('p', 200), out _));
    }

    // Cases of twitter-text's conformance suite (conformance/tests/validate.yml, WeightedTweetsCounterTest).
    [Theory]
    [InlineData("Hi http://test.co", 26, -1)]
    [InlineData("😷👾😡🔥💩", 10, -1)]
    [InlineData("🙋🏽👨‍🎤", 9, -1)]                 // emoji 2, skin tone 2, the joiner 1
    [InlineData("A\u0301B", 2, -1)]                // Á written as A and a combining accent: one character after NFC
    [InlineData("— – ‘’ “” ′″", 12, -1)]            // general punctuation in X's ranges counts 1
    [InlineData("… •", 5, -1)]                      // and outside them 2
    public void X_weighs_as_twitter_text_does(string text, int length, int cut)
    {
        text = System.Text.RegularExpressions.Regex.Unescape(text);
        Assert.Equal(length, Shipped.For("x")!.Measure(text, out var at));
        Assert.Equal(cut, at);
    }

    [Fact]
    public void X_takes_140_cjk_characters_or_emoji_where_it_takes_280_letters()
    {
        var x = Shipped.For("x")!;
        var poem = string.Concat(Enumerable.Repeat("故人西辞黄鹤楼，烟花三月下扬州。", 10)); // 160 characters
        Assert.Equal(320, x.Measure(poem, out var cut));
        Assert.Equal(140, cut);
        var masks = string.Concat(Enumerable.Repeat("😷", 160));
        Assert.Equal(320, x.Measure(masks, out cut));
        Assert.Equal(280, cut); // UTF-16 offset: the 141st emoji
        Assert.Equal(323, x.Measure("the" + poem, out cut));
        Assert.Equal(141, cut);
    }

    [Theory]
    [InlineData("See http://localhost:8080/preview/abcdefghijklmnopqrstuvwxyz", 4 + 23)]
    [InlineData("(http://[::1]/abcdefghijklmnopqrstuvwxyz).", 1 + 23 + 2)]       // the closing ")." is the sentence's
    [InlineData("http://2130706433/abcdefghijklmnopqrstuvwxyz!", 23 + 1)]
    [InlineData("`http://localhost/abcdefghijklmnopqrstuvwxyz` 🌷", 1 + 23 + 1 + 1 + 2)] // the network sees code as text; an emoji weighs 2
    [InlineData("[here](https://bücher.de/abcdefghijklmnopqrstuvwxyz)", 7 + 23 + 1)]
    [InlineData("www.d.example", 13)]                                            // no scheme: counted as written
    [InlineData("e.g. v1.2, 3.5 km, example.com", 30)]
    public void X_counts_every_http_url_as_23_with_the_links_own_finder(string body, int length) =>
        Assert.Equal(length, Shipped.For("x")!.Measure(body, out _));

    [Fact]
    public async Task The_finding_points_at_the_text_past_the_limit()
    {
        var check = new NetworkLengthCheck(Shipped);
        var body = new string('é', 300);
        Assert.Empty(await check.RunAsync(new CheckInput(body, new AccountProfile("a", "bluesky", "brand", "en"), default, default), default));

        var over = await check.RunAsync(new CheckInput(body + "!!", new AccountProfile("a", "bluesky", "brand", "en"), default, default), default);
        var finding = Assert.Single(over);
        Assert.Equal(("network.length", Severity.Block, 300, 2, "!!"), (finding.Rule, finding.Severity, finding.Start, finding.Length, finding.Match));
        Assert.Equal("302", over[0].Evidence!["length"]);
        Assert.Empty(await check.RunAsync(new CheckInput(body + "!!", new AccountProfile("a", "outbox", "brand", "en"), default, default), default));
    }

    [Theory]
    [InlineData("networks:\n  x:\n    limit: -3\n", 3, 12, "positive whole number")]
    [InlineData("networks:\n  x: 280\n  bluesky:\n    limt: 300\n", 4, 5, "unknown setting 'limt'")]
    [InlineData("networks:\n  x: [280\n", 3, 1, "")]
    [InlineData("networks:\n  x:\n    limit: 280\n    unit: words\n", 4, 11, "unit must be")]
    [InlineData("{}\n", 1, 1, "missing 'networks'")]
    [InlineData("nets: {}\n", 1, 1, "unknown section 'nets'")]
    public void A_broken_file_names_the_file_line_and_problem(string yaml, int line, int column, string problem)
    {
        var dir = WriteRules(yaml);
        var error = Assert.Throws<RuleFileException>(() => NetworkLimits.Load(dir));
        Assert.Equal(Path.Combine(dir, NetworkLimits.FileName), error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"{error.File}:{line}:{column}: ", error.Message);
    }
}
