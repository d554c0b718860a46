using System.Text;
using System.Text.Encodings.Web;
using Gateway.Rules;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Html;

namespace Gateway.Web;

/// <summary>How a post's text is shown: its Markdown rendered, or its source with the findings marked at their spans.</summary>
public static class PostHtml
{
    // Raw HTML in a post is shown as text, never as markup: a body of <script> must stay inert on every page.
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .DisableHtml()
        .Build();

    public static IHtmlContent Markdown(string body)
    {
        var document = Markdig.Markdown.Parse(body, Pipeline);
        foreach (var link in document.Descendants<LinkInline>())
        {
            if (!IsSafeUrl(link.Url))
            {
                link.Url = "#unsafe-link";
            }
        }
        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafeUrl(link.Url))
            {
                link.Url = "#unsafe-link";
            }
        }
        return new HtmlString(document.ToHtml(Pipeline));
    }

    /// <summary>
    /// The body as written, with each finding's span in a <c>mark</c> (the worst severity wins where findings
    /// overlap) that names the rules; the findings list links to the marks by number.
    /// </summary>
    public static IHtmlContent Highlight(string body, IReadOnlyList<Finding> findings)
    {
        var spans = findings.Select((f, i) => (Finding: f, Number: i + 1))
            .Where(x => x.Finding.Length > 0 && x.Finding.Start >= 0 && x.Finding.End <= body.Length)
            .ToArray();
        var cuts = new SortedSet<int> { 0, body.Length };
        foreach (var (finding, _) in spans)
        {
            cuts.Add(finding.Start);
            cuts.Add(finding.End);
        }
        var html = new StringBuilder();
        var encoder = HtmlEncoder.Default;
        var edges = cuts.ToArray();
        for (var i = 0; i + 1 < edges.Length; i++)
        {
            var (from, to) = (edges[i], edges[i + 1]);
            var text = encoder.Encode(body[from..to]);
            var covering = spans.Where(s => s.Finding.Start <= from && s.Finding.End >= to).ToArray();
            if (covering.Length == 0)
            {
                html.Append(text);
                continue;
            }
            var worst = covering.Max(s => s.Finding.Severity);
            var title = string.Join("\n", covering.Select(s => $"{s.Number}. {s.Finding.Rule}: {s.Finding.Message}"));
            html.Append("<mark class=\"finding sev-").Append(worst.ToName())
                .Append("\" data-findings=\"").Append(string.Join(' ', covering.Select(s => s.Number)))
                .Append("\" title=\"").Append(encoder.Encode(title)).Append("\">")
                .Append(text).Append("<sup>").Append(string.Join(",", covering.Select(s => s.Number))).Append("</sup></mark>");
        }
        return new HtmlString(html.ToString());
    }


    private static bool IsSafeUrl(string? url) =>
        string.IsNullOrEmpty(url)
        || url.StartsWith('#')
        || Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" or "mailto";
}
