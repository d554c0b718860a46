using HtmlAgilityPack;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Gateway.Rules.Links;

/// <summary>A link as written in a post: its address and the exact UTF-16 span of that address in the body.</summary>
public sealed record ExtractedLink(string Url, int Start, int Length, string Match);

/// <summary>
/// Finds every link in a post's Markdown: inline and reference links, images, &lt;autolinks&gt;, <c>href</c>/<c>src</c> in
/// inline or block HTML (HtmlAgilityPack), and bare URLs in the text around them as the networks link them
/// (<see cref="BareUrls"/>). Code spans and code blocks hold no links.
/// </summary>
public static class LinkExtractor
{
    private static readonly string[] UrlAttributes = ["href", "src", "poster", "cite", "action", "formaction", "data"];

    public static IReadOnlyList<ExtractedLink> Extract(string body)
    {
        var document = Text.PostMarkdown.Parse(body);
        var links = new List<ExtractedLink>();
        var markup = new List<(int Start, int End)>(); // code, and markup whose links are taken from the syntax tree
        var htmlText = new List<(int Start, int End)>();
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case LinkInline { Reference: null, IsShortcut: false } link when link.Url is { Length: > 0 } url:
                    Add(links, body, url, link.UrlSpan.Start, link.UrlSpan.Length);
                    markup.Add((link.UrlSpan.Start, link.UrlSpan.End + 1));
                    break;
                case AutolinkInline autolink:
                    if (!autolink.IsEmail)
                    {
                        Add(links, body, autolink.Url, autolink.Span.Start + 1, autolink.Span.Length - 2);
                    }
                    markup.Add((autolink.Span.Start, autolink.Span.End + 1));
                    break;
                case LinkReferenceDefinition definition when definition.Url is { Length: > 0 } url:
                    Add(links, body, url, definition.UrlSpan.Start, definition.UrlSpan.Length);
                    markup.Add((definition.UrlSpan.Start, definition.UrlSpan.End + 1));
                    break;
                case HtmlInline html:
                    AddHtml(links, htmlText, body, html.Span.Start, html.Span.Length);
                    markup.Add((html.Span.Start, html.Span.End + 1));
                    break;
                case HtmlBlock html:
                    AddHtml(links, htmlText, body, html.Span.Start, html.Span.Length);
                    markup.Add((html.Span.Start, html.Span.End + 1));
                    break;
                case CodeInline code:
                    markup.Add((code.Span.Start, code.Span.End + 1));
                    break;
                case CodeBlock code: // fenced and indented
                    markup.Add((code.Span.Start, code.Span.End + 1));
                    break;
            }
        }
        foreach (var (start, end) in TextBetween(markup, body.Length).Concat(htmlText))
        {
            foreach (var url in BareUrls.Find(body, start, end))
            {
                Add(links, body, url.Url, url.Start, url.Length);
            }
        }
        return links
            .DistinctBy(l => (l.Start, l.Length))
            .OrderBy(l => l.Start)
            .ToArray();
    }

    /// <summary>The stretches of the body that no span of <paramref name="markup"/> covers.</summary>
    private static IEnumerable<(int Start, int End)> TextBetween(List<(int Start, int End)> markup, int length)
    {
        var position = 0;
        foreach (var (start, end) in markup.Where(m => m.End > m.Start).OrderBy(m => m.Start))
        {
            if (start > position)
            {
                yield return (position, Math.Min(start, length));
            }
            position = Math.Max(position, end);
        }
        if (position < length)
        {
            yield return (position, length);
        }
    }

    /// <summary>Links in an HTML tag's or block's URL attributes; its text nodes (not code) go to <paramref name="text"/>.</summary>
    private static void AddHtml(List<ExtractedLink> links, List<(int Start, int End)> text, string body, int start, int length)
    {
        if (start < 0 || length <= 0 || start + length > body.Length)
        {
            return;
        }
        var document = new HtmlDocument();
        document.LoadHtml(body.Substring(start, length));
        foreach (var node in document.DocumentNode.Descendants())
        {
            if (node is HtmlTextNode textNode)
            {
                if (node.Ancestors().Any(a => a.Name is "script" or "style" or "code" or "pre"))
                {
                    continue;
                }
                var position = textNode.StreamPosition;
                if (position >= 0 && position + textNode.Text.Length <= length
                    && body.AsSpan(start + position, textNode.Text.Length).SequenceEqual(textNode.Text))
                {
                    text.Add((start + position, start + position + textNode.Text.Length));
                }
                continue;
            }
            if (node.NodeType != HtmlNodeType.Element)
            {
                continue;
            }
            foreach (var attribute in node.Attributes.Where(a => UrlAttributes.Contains(a.Name, StringComparer.OrdinalIgnoreCase)))
            {
                var value = HtmlEntity.DeEntitize(attribute.Value)?.Trim();
                if (string.IsNullOrEmpty(value) || attribute.ValueLength <= 0)
                {
                    continue;
                }
                Add(links, body, value, start + attribute.ValueStartIndex, attribute.ValueLength);
            }
        }
    }

    private static void Add(List<ExtractedLink> links, string body, string url, int start, int length)
    {
        if (start < 0 || length <= 0 || start + length > body.Length)
        {
            return;
        }
        links.Add(new ExtractedLink(url, start, length, body.Substring(start, length)));
    }
}
