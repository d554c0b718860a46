using HtmlAgilityPack;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Gateway.Rules.Links;

/// <summary>A link as written in a post: its address and the exact UTF-16 span of that address in the body.</summary>
public sealed record ExtractedLink(string Url, int Start, int Length, string Match);

/// <summary>
/// Finds every link in a post's Markdown: inline and reference links, images, &lt;autolinks&gt;, bare URLs (Markdig's
/// AutoLinks extension) and <c>href</c>/<c>src</c> in inline or block HTML (HtmlAgilityPack).
/// </summary>
public static class LinkExtractor
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoLinks()
        .UsePreciseSourceLocation()
        .Build();

    private static readonly string[] UrlAttributes = ["href", "src", "poster", "cite", "action", "formaction", "data"];

    public static IReadOnlyList<ExtractedLink> Extract(string body)
    {
        var document = Text.MarkdownNesting.Parse(body, Pipeline);
        var links = new List<ExtractedLink>();
        foreach (var node in document.Descendants())
        {
            switch (node)
            {
                case LinkInline { Reference: null, IsShortcut: false } link when link.Url is { Length: > 0 } url:
                    // Bare URLs have no separate URL span: the whole inline is the address.
                    var span = link.IsAutoLink || link.UrlSpan.IsEmpty ? link.Span : link.UrlSpan;
                    Add(links, body, url, span.Start, span.Length);
                    break;
                case AutolinkInline { IsEmail: false } autolink:
                    Add(links, body, autolink.Url, autolink.Span.Start + 1, autolink.Span.Length - 2);
                    break;
                case LinkReferenceDefinition definition when definition.Url is { Length: > 0 } url:
                    Add(links, body, url, definition.UrlSpan.Start, definition.UrlSpan.Length);
                    break;
                case HtmlInline html:
                    AddHtml(links, body, html.Span.Start, html.Span.Length);
                    break;
                case HtmlBlock html:
                    AddHtml(links, body, html.Span.Start, html.Span.Length);
                    break;
            }
        }
        return links
            .DistinctBy(l => (l.Start, l.Length))
            .OrderBy(l => l.Start)
            .ToArray();
    }

    private static void AddHtml(List<ExtractedLink> links, string body, int start, int length)
    {
        if (start < 0 || length <= 0 || start + length > body.Length)
        {
            return;
        }
        var document = new HtmlDocument();
        document.LoadHtml(body.Substring(start, length));
        foreach (var element in document.DocumentNode.Descendants().Where(n => n.NodeType == HtmlNodeType.Element))
        {
            foreach (var attribute in element.Attributes.Where(a => UrlAttributes.Contains(a.Name, StringComparer.OrdinalIgnoreCase)))
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
