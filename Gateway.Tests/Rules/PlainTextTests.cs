using Gateway.Rules;
using Gateway.Rules.Text;
using Gateway.Rules.Checks;

namespace Gateway.Tests.Rules;

/// <summary>The text a network receives: what publishers send and network.length counts.</summary>
public sealed class PlainTextTests
{
    [Theory]
    [InlineData("Hello **world**, _really_.", "Hello world, really.")]
    [InlineData("See [our report](https://example.org/r).", "See our report https://example.org/r.")]
    [InlineData("[example.org/r](https://example.org/r)", "example.org/r")]
    [InlineData("Mail [us](mailto:press@example.org)", "Mail us")]
    [InlineData("Go to <https://example.org/a>", "Go to https://example.org/a")]
    [InlineData("Para one\nline two\n\nPara two", "Para one\nline two\n\nPara two")]
    [InlineData("# Storm update\n\nStores are open.", "Storm update\n\nStores are open.")]
    [InlineData("Today:\n\n- water\n- bread\n\nThanks", "Today:\n\n• water\n• bread\n\nThanks")]
    [InlineData("1. first\n2. second", "1. first\n2. second")]
    [InlineData("Use `code` here \\*not emphasis\\*", "Use code here *not emphasis*")]
    [InlineData("AT&amp;T &copy; <b>bold</b>", "AT&T © bold")]
    [InlineData("#WhyIStayed @acme@mastodon.social", "#WhyIStayed @acme@mastodon.social")]
    [InlineData("Před 🌀 hurikánem: https://example.org/x", "Před 🌀 hurikánem: https://example.org/x")]
    [InlineData("", "")]
    public void Markdown_becomes_the_plain_text_a_network_shows(string markdown, string expected) =>
        Assert.Equal(expected, PlainText.Render(markdown).Text);

    [Fact]
    public void Every_copied_character_maps_back_to_the_same_character_in_the_markdown()
    {
        const string markdown = "Hi **team**, read [the plan](https://example.org/plan) and <https://example.org/faq> now.";
        var text = PlainText.Render(markdown);
        foreach (var word in new[] { "team", "the plan", "https://example.org/plan", "https://example.org/faq", "now" })
        {
            var at = text.Text.IndexOf(word, StringComparison.Ordinal);
            Assert.True(at >= 0, word);
            Assert.Equal(word, markdown.Substring(text.SourceAt(at), word.Length));
        }
    }

    [Fact]
    public async Task Network_length_counts_the_sent_text_not_the_markdown_and_points_into_the_markdown()
    {
        var check = new NetworkLengthCheck(NetworkLimits.Load(Support.Paths.Rules));
        var x = new AccountProfile("acme", "x", "brand", "en");
        // 270 characters of prose plus a link whose Markdown is long: X sees the label, a space and 23 for the URL.
        var prose = new string('a', 250);
        var fits = $"**{prose}** [read](https://example.org/{new string('p', 300)})";
        Assert.Empty(await check.RunAsync(new CheckInput(fits, x, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), default));

        var tooLong = $"**{prose}** [the full story of this](https://example.org/{new string('p', 300)})";
        var finding = Assert.Single(await check.RunAsync(new CheckInput(tooLong, x, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), default));
        Assert.Equal("297", finding.Evidence!["length"]); // 250 + 1 + 22 + 1 + 23
        // The limit is reached at the link's URL (it counts 23 at once), and the span says where in the Markdown that is.
        Assert.StartsWith("https://example.org/ppp", tooLong[finding.Start..]);
    }
}
