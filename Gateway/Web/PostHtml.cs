using System.Text;
using System.Text.Encodings.Web;
using Gateway.Rules;
using Gateway.Rules.Text;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Renderers.Html.Inlines;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Microsoft.AspNetCore.Html;

namespace Gateway.Web;

/// <summary>How a post's text is shown: its Markdown rendered, or its source with the findings marked at their spans.</summary>
public static partial class PostHtml
{
    /// <summary>
    /// The post rendered from the same document the checks read (<see cref="PostMarkdown"/>): raw HTML in a post is
    /// shown as text, never as markup, so a body of &lt;script&gt; stays inert on every page; links other than web,
    /// mail and phone ones point nowhere.
    /// </summary>
    public static IHtmlContent Markdown(string body)
    {
        MarkdownDocument document;
        try
        {
            document = PostMarkdown.Parse(body);
        }
        catch (MarkdownTooDeepException e)
        {
            // The API refuses such bodies; one stored before it did still gets its page, only without a preview.
            return new HtmlString($"<p class=\"small\">No preview: the post {HtmlEncoder.Default.Encode(e.Message)}</p>");
        }
        using var writer = new StringWriter();
        // The rewriter, not the document, defuses links: the document is shared with the checks and never changed.
        var renderer = new HtmlRenderer(writer) { LinkRewriter = url => IsSafeUrl(url) ? url : "#unsafe-link" };
        PostMarkdown.Pipeline.Setup(renderer);
        renderer.ObjectRenderers.Replace<HtmlInlineRenderer>(new HtmlInlineAsText());
        renderer.ObjectRenderers.Replace<HtmlBlockRenderer>(new HtmlBlockAsText());
        renderer.Render(document);
        writer.Flush();
        return new HtmlString(writer.ToString());
    }

    private sealed class HtmlInlineAsText : HtmlObjectRenderer<HtmlInline>
    {
        protected override void Write(HtmlRenderer renderer, HtmlInline obj) => renderer.WriteEscape(obj.Tag);
    }

    private sealed class HtmlBlockAsText : HtmlObjectRenderer<HtmlBlock>
    {
        protected override void Write(HtmlRenderer renderer, HtmlBlock obj)
        {
            renderer.EnsureLine().Write("<p>");
            renderer.WriteEscape(obj.Lines.ToString());
            renderer.WriteLine("</p>");
        }
    }

    /// <summary>
    /// What readers see of the post, as one line of plain text for lists (queue, week, crisis room): the Markdown
    /// rendered without markup, its runs of white space folded. Not encoded: Razor encodes it where it is shown.
    /// </summary>
    public static string PlainText(string body)
    {
        try
        {
            // The text a network is sent (Gateway.Rules' PlainText, from the shared parse), on one line.
            return WhiteSpace().Replace(Rules.Text.PlainText.Render(body).Text, " ").Trim();
        }
        catch (MarkdownTooDeepException)
        {
            return WhiteSpace().Replace(body, " ").Trim();
        }
    }

    /// <summary>
    /// The body as written, with each finding's span in a <c>mark</c> (the worst severity wins where findings
    /// overlap) that names the rules; the findings list links to the marks by number. Findings elsewhere (an image's
    /// alt text, <see cref="Finding.Location"/>) are listed, not marked.
    /// </summary>
    public static IHtmlContent Highlight(string body, IReadOnlyList<Finding> findings)
    {
        // Spans are clamped to the body and moved off the middle of surrogate pairs, so an emoji is never split in two.
        var spans = findings.Select((f, i) => (Start: OnCharBoundary(body, f.Start), End: OnCharBoundary(body, f.Start + (long)f.Length), Finding: f, Number: i + 1))
            .Where(x => x.Finding.Location is null && x.Finding.Start >= 0 && x.Finding.Length > 0 && x.End > x.Start)
            .ToArray();
        var cuts = new SortedSet<int> { 0, body.Length };
        foreach (var span in spans)
        {
            cuts.Add(span.Start);
            cuts.Add(span.End);
        }
        var html = new StringBuilder();
        var encoder = HtmlEncoder.Default;
        var edges = cuts.ToArray();
        for (var i = 0; i + 1 < edges.Length; i++)
        {
            var (from, to) = (edges[i], edges[i + 1]);
            var text = encoder.Encode(body[from..to]);
            var covering = spans.Where(s => s.Start <= from && s.End >= to).ToArray();
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


    private static int OnCharBoundary(string body, long index)
    {
        var clamped = (int)Math.Clamp(index, 0, body.Length);
        return clamped > 0 && clamped < body.Length && char.IsLowSurrogate(body[clamped]) ? clamped - 1 : clamped;
    }

    /// <summary>Relative links and the web, mail and phone schemes; anything else (javascript:, data:, vbscript:) is dropped.</summary>
    private static bool IsSafeUrl(string? url)
    {
        // Browsers skip control characters and spaces in a URL ("java\tscript:", "\u0001javascript:"); so does this test.
        var scheme = SchemePattern().Match(new string((url ?? "").Where(c => c > ' ').ToArray()));
        return !scheme.Success || scheme.Groups[1].Value.ToLowerInvariant() is "http" or "https" or "mailto" or "tel";
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s+")]
    private static partial System.Text.RegularExpressions.Regex WhiteSpace();

    [System.Text.RegularExpressions.GeneratedRegex(@"^([a-zA-Z][a-zA-Z0-9+.\-]*):")]
    private static partial System.Text.RegularExpressions.Regex SchemePattern();
}
