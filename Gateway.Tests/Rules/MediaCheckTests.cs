using Gateway.Rules;

namespace Gateway.Tests.Rules;

/// <summary><c>media.alt-missing</c>, <c>network.media</c> and alt text through the topic packs, against the shipped rules.</summary>
public class MediaCheckTests
{
    private static CheckMedia Image(string? alt, string type = "image/jpeg", long bytes = 200_000, int width = 1200, int height = 800, int index = 0) =>
        new($"{index:x32}", alt, type, bytes, width, height);

    [Fact]
    public void An_image_without_alt_text_needs_review_on_a_brand_account_and_warns_on_a_personal_one()
    {
        var media = new[] { Image("A volunteer hands out blankets"), Image("  ", index: 1) };
        var brand = Assert.Single(TestRules.Run("Our winter drive.", TestRules.Account("brand"), media), f => f.Rule == "media.alt-missing");
        Assert.Equal(Severity.Review, brand.Severity);
        Assert.Equal("media[1].alt", brand.Location);
        Assert.Contains("Image 2 has no alt text", brand.Message);

        var personal = Assert.Single(TestRules.Run("Our winter drive.", TestRules.Account("personal"), media), f => f.Rule == "media.alt-missing");
        Assert.Equal(Severity.Warning, personal.Severity);
        Assert.DoesNotContain(TestRules.Run("Our winter drive.", TestRules.Account("brand"), [media[0]]), f => f.Rule == "media.alt-missing");
    }

    [Theory]
    [InlineData("x", 4)]
    [InlineData("mastodon", 4)]
    [InlineData("bluesky", 4)]
    [InlineData("linkedin", 20)]
    public void More_images_than_the_network_takes_is_a_block(string network, int most)
    {
        var images = Enumerable.Range(0, most + 1).Select(i => Image($"Photo {i}", index: i)).ToArray();
        var finding = Assert.Single(TestRules.Run("Photos from the day.", TestRules.Account(network: network), images), f => f.Rule == "network.media");
        Assert.Equal(Severity.Block, finding.Severity);
        Assert.Equal("media", finding.Location);
        Assert.Equal(most.ToString(), finding.Evidence!["limit"]);
        Assert.DoesNotContain(TestRules.Run("Photos from the day.", TestRules.Account(network: network), images[..most]), f => f.Rule == "network.media");
    }

    [Fact]
    public void Bluesky_takes_images_up_to_1000000_bytes_x_up_to_5_MB()
    {
        var big = Image("A map of the flooded streets", bytes: 1_000_001);
        var bluesky = Assert.Single(TestRules.Run("Flood map.", TestRules.Account(network: "bluesky"), [big]), f => f.Rule == "network.media");
        Assert.Equal("media[0]", bluesky.Location);
        Assert.Equal("bytes", bluesky.Evidence!["limit-kind"]);
        Assert.Contains("1,000,000", bluesky.Message);
        Assert.DoesNotContain(TestRules.Run("Flood map.", TestRules.Account(network: "bluesky"), [big with { Bytes = 1_000_000 }]), f => f.Rule == "network.media");
        Assert.DoesNotContain(TestRules.Run("Flood map.", TestRules.Account(network: "x"), [big]), f => f.Rule == "network.media");
    }

    [Fact]
    public void A_format_the_network_does_not_take_is_a_block()
    {
        var webp = Image("A chart of donations", type: "image/webp");
        var finding = Assert.Single(TestRules.Run("Donations this year.", TestRules.Account(network: "linkedin"), [webp]), f => f.Rule == "network.media");
        Assert.Equal("format", finding.Evidence!["limit-kind"]);
        Assert.DoesNotContain(TestRules.Run("Donations this year.", TestRules.Account(network: "mastodon"), [webp]), f => f.Rule == "network.media");
    }

    [Fact]
    public void Alt_text_goes_through_the_topic_packs_and_the_finding_says_it_is_there()
    {
        var media = new[] { Image("Volunteers at the shelter"), Image("Police at the scene of the school shooting", index: 1) };
        var findings = TestRules.Run("A day at the shelter.", TestRules.Account("brand"), media);
        var topic = Assert.Single(findings, f => f.Rule == "topic.violence");
        Assert.Equal("media[1].alt", topic.Location);
        Assert.Equal("media[1].alt", topic.Evidence!["scope"]);
        Assert.Equal("school shooting", topic.Match);
        Assert.Equal("Police at the scene of the school shooting".IndexOf("school", StringComparison.Ordinal), topic.Start);
        Assert.StartsWith("In the alt text of image 2:", topic.Message);
        Assert.Equal(Severity.Review, topic.Severity);
    }

    [Fact]
    public void The_same_words_in_the_body_and_an_alt_text_are_two_findings()
    {
        var findings = TestRules.Run("The gunman was arrested.", TestRules.Account("brand"), [Image("The gunman")]);
        var violence = findings.Where(f => f.Rule == "topic.violence").ToArray();
        Assert.Equal([null, "media[0].alt"], violence.Select(f => f.Location));
    }
}
