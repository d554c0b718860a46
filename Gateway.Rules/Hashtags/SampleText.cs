using HtmlAgilityPack;

namespace Gateway.Rules.Hashtags;

/// <summary>Other people's post texts as the sample keeps them: plain, and no longer than needed.</summary>
public static class SampleText
{
    /// <summary>Mastodon's <c>content</c> is HTML: paragraphs and line breaks become new lines, entities characters.</summary>
    public static string FromHtml(string html)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        foreach (var node in document.DocumentNode.SelectNodes("//br|//p") ?? Enumerable.Empty<HtmlNode>())
        {
            node.ParentNode?.InsertAfter(document.CreateTextNode("\n"), node);
        }
        return HtmlEntity.DeEntitize(document.DocumentNode.InnerText).Trim();
    }

    /// <summary>Only http(s) addresses are kept for a sample post: its link is shown on pages and in evidence.</summary>
    public static bool IsWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp);

    public static string Cut(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }
        var cut = char.IsHighSurrogate(text[length - 1]) ? length - 1 : length;
        return text[..cut];
    }
}
