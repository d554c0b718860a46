using Gateway.Rules;
using Gateway.Rules.Checks;
using Gateway.Rules.Trends;
using Gateway.Tests.Support;
using NSubstitute;

namespace Gateway.Tests;

public sealed class HashtagContextCheckTests
{
    [Fact]
    public async Task A_known_hashtag_gets_a_finding_over_the_whole_tag()
    {
        var registry = HashtagRegistry.Load(Paths.Rules);
        var source = Substitute.For<ITrendSource>();
        source.Current.Returns(registry.Hashtags);
        source.Sensitivities.Returns(registry.Sensitivities);
        var findings = await new HashtagContextCheck(source).RunAsync(
            new CheckInput("We #MeToo love pizza", new AccountProfile("a", "x", "brand", "en"), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), default);
        var finding = Assert.Single(findings);
        Assert.Equal(("#MeToo", 3, 6, Severity.Review), (finding.Match, finding.Start, finding.Length, finding.Severity));
    }

    [Theory]
    [InlineData("en", "Our hearts are with everyone after the shootings downtown.", "shootings")]
    [InlineData("en", "Our hearts are with everyone after the shooting downtown.", "shooting")]
    [InlineData("lv", "Sprādzienā cieta trīs cilvēki.", "Sprādzienā")]
    public async Task A_live_trend_keyword_matches_in_any_inflection(string language, string body, string match)
    {
        var findings = await TrendCheck(language, body, language == "lv" ? "sprādziens" : "shooting");
        var finding = Assert.Single(findings);
        Assert.Equal((match, body.IndexOf(match, StringComparison.Ordinal)), (finding.Match, finding.Start));
        Assert.Equal("A shooting downtown this morning.", finding.Evidence!["context"]);
    }

    [Fact]
    public async Task A_live_trend_keyword_does_not_match_inside_another_word()
    {
        Assert.Empty(await TrendCheck("en", "Our sharpshooters club meets on Friday.", "shooter"));
    }

    private static async Task<IReadOnlyList<Finding>> TrendCheck(string language, string body, string keyword)
    {
        var source = Substitute.For<ITrendSource>();
        source.Current.Returns([new Trend("DowntownShooting", "A shooting downtown this morning.", "tragedy", [keyword], null, "live")]);
        source.Sensitivities.Returns(new Dictionary<string, Severity> { ["tragedy"] = Severity.Review });
        return await new HashtagContextCheck(source).RunAsync(
            new CheckInput(body, new AccountProfile("a", "x", "brand", language), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow), default);
    }
}
