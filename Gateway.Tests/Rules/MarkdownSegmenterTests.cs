using Gateway.Rules.Text;

namespace Gateway.Tests.Rules;

public class MarkdownSegmenterTests
{
    private static string Describe(string body) => string.Join(" ",
        MarkdownSegmenter.Segment(body).Select(s => $"{s.Scope}:{body.Substring(s.Start, s.Length)}"));

    [Fact]
    public void Segments_carry_scope_and_exact_offsets()
    {
        const string body = "Hi @anna, see [our *shop*](https://shop.example/a_b) and `code` #NewIn ![alt text](i.png) https://x.example/y_z.";
        Assert.Equal(
            "Prose:Hi  Mention:@anna Prose:, see  LinkText:our  LinkText:shop Url:https://shop.example/a_b Prose: and  Code:`code` Prose:  Hashtag:#NewIn Prose:  ImageAlt:alt text Url:i.png Prose:  Url:https://x.example/y_z Prose:.",
            Describe(body));
    }

    [Fact]
    public void Numbers_and_email_addresses_are_not_hashtags_or_mentions()
    {
        Assert.Equal("Prose:We are #1, mail jo@example.com  Hashtag:#2024Goals", Describe("We are #1, mail jo@example.com #2024Goals"));
    }

    [Fact]
    public void Fenced_code_and_html_blocks_have_their_own_scopes()
    {
        const string body = "Intro\n\n```\nshit happens\n```\n\n<div>\n<p>Hello <b>there</b></p>\n</div>\n";
        var segments = MarkdownSegmenter.Segment(body);
        Assert.Contains(segments, s => s.Scope == Scope.Code && body.Substring(s.Start, s.Length) == "shit happens");
        Assert.Contains(segments, s => s.Scope == Scope.Html && body.Substring(s.Start, s.Length) == "Hello ");
        Assert.Contains(segments, s => s.Scope == Scope.Html && body.Substring(s.Start, s.Length) == "there");
    }

    [Fact]
    public void Code_and_urls_are_not_checked_for_words_but_link_text_and_alt_text_are()
    {
        Assert.DoesNotContain(TestRules.Raw("Run `rm -rf shit` first"), f => f.Rule == "topic.profanity");
        Assert.DoesNotContain(TestRules.Raw("Read https://example.com/shit-happens now"), f => f.Rule == "topic.profanity");
        Assert.DoesNotContain(TestRules.Raw("Read [the post](https://example.com/bullshit)"), f => f.Rule == "topic.profanity");

        const string link = "Read [this bullshit](https://example.com)";
        var inLink = Assert.Single(TestRules.Raw(link), f => f.Rule == "topic.profanity");
        Assert.Equal("link-text", inLink.Evidence!["scope"]);
        Assert.Equal(link.IndexOf("bullshit", StringComparison.Ordinal), inLink.Start);

        var inAlt = Assert.Single(TestRules.Raw("![a shitty photo](p.png)"), f => f.Rule == "topic.profanity");
        Assert.Equal("image-alt", inAlt.Evidence!["scope"]);
    }

    [Fact]
    public void Html_text_is_checked_with_offsets_into_the_body()
    {
        const string body = "<div>\nwhat the fuck\n</div>\n";
        var finding = Assert.Single(TestRules.Raw(body), f => f.Rule == "topic.profanity");
        Assert.Equal(body.IndexOf("fuck", StringComparison.Ordinal), finding.Start);
        Assert.Equal("html", finding.Evidence!["scope"]);
    }
}

public class PostMarkdownTests
{
    [Fact]
    public void A_post_is_parsed_once_for_the_checks_the_links_the_plain_text_and_the_preview()
    {
        var body = "Read [our guide](https://example.org/guide) about **#SpringSale** today.";
        var document = Gateway.Rules.Text.PostMarkdown.Parse(body);
        Assert.Same(document, Gateway.Rules.Text.PostMarkdown.Parse(body));
        // Every reader of that one document agrees on where things are.
        var link = Assert.Single(Gateway.Rules.Links.LinkExtractor.Extract(body));
        Assert.Equal("https://example.org/guide", body.Substring(link.Start, link.Length));
        Assert.Contains(Gateway.Rules.Text.MarkdownSegmenter.Segment(body), s => s.Scope == Gateway.Rules.Text.Scope.Url && s.Start == link.Start);
        Assert.Equal("Read our guide https://example.org/guide about #SpringSale today.", Gateway.Rules.Text.PlainText.Render(body).Text);
    }
}
