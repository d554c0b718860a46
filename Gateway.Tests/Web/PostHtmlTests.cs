using Gateway.Rules;
using Gateway.Web;
using Gateway.Tests.Support;

namespace Gateway.Tests.Web;

public sealed class PostHtmlTests
{
    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JaVaScRiPt:alert(1))")]
    [InlineData("[x](<java\tscript:alert(1)>)")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[x](vbscript:msgbox)")]
    [InlineData("[x][r]\n\n[r]: javascript:alert(1)")]
    [InlineData("![x](javascript:alert(1))")]
    public void Dangerous_links_are_defused(string markdown)
    {
        var html = PostHtml.Markdown(markdown).ToString()!;
        var target = WebSession.Parse(html).DocumentNode.SelectSingleNode("//a[@href]|//img[@src]")!;
        Assert.Equal("#unsafe-link", target.GetAttributeValue("href", null) ?? target.GetAttributeValue("src", ""));
    }

    [Theory]
    [InlineData("[x](https://example.org/a?b=1)", "https://example.org/a?b=1")]
    [InlineData("[x](/relative/path)", "/relative/path")]
    [InlineData("[x](tel:+4930123)", "tel:+4930123")]
    [InlineData("<press@example.org>", "mailto:press@example.org")]
    public void Ordinary_links_stay_as_written(string markdown, string href)
    {
        var html = PostHtml.Markdown(markdown).ToString()!;
        Assert.Equal(href, WebSession.Parse(html).DocumentNode.SelectSingleNode("//a")!.GetAttributeValue("href", ""));
    }

    [Fact]
    public void Raw_html_is_text()
    {
        var html = PostHtml.Markdown("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>").ToString()!;
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("<img", html);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void Findings_are_marked_at_their_spans_with_the_worst_severity_where_they_overlap()
    {
        const string body = "Happy Friday, <shooters>!";
        var findings = new[]
        {
            new Finding("topic.violence", Severity.Review, "violent <word>", 15, 8, "shooters"),
            new Finding("tone.exclaim", Severity.Warning, "loud", 14, 11, "<shooters>!"),
        };
        var html = PostHtml.Highlight(body, findings).ToString()!;
        var marks = WebSession.Parse(html).DocumentNode.SelectNodes("//mark")!;
        Assert.Equal(["warning", "review", "warning"], marks.Select(m => m.GetAttributeValue("class", "").Split("sev-")[1]));
        Assert.Equal("1 2", marks[1].GetAttributeValue("data-findings", ""));
        Assert.Contains("&lt;", html);
        Assert.DoesNotContain("<shooters", html);
        Assert.DoesNotContain("<word>", html); // messages are escaped inside the title too
    }

    [Fact]
    public void Spans_outside_the_body_or_inside_an_emoji_never_break_the_page()
    {
        const string body = "Fire 🔥 sale";
        var findings = new[]
        {
            new Finding("a", Severity.Review, "m", 6, 1, "half an emoji"),   // starts on the low surrogate
            new Finding("b", Severity.Review, "m", 8, int.MaxValue, "overflow"),
            new Finding("c", Severity.Review, "m", 50, 3, "past the end"),
        };
        var html = PostHtml.Highlight(body, findings).ToString()!;
        var text = System.Net.WebUtility.HtmlDecode(WebSession.Parse(html).DocumentNode.InnerText);
        Assert.DoesNotContain("\uFFFD", text);
        Assert.Equal(body, System.Text.RegularExpressions.Regex.Replace(text, @"[0-9,]", "")); // the text, whole, plus the finding numbers
    }
}
