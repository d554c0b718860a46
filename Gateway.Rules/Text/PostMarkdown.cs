using System.Runtime.CompilerServices;
using Markdig;
using Markdig.Syntax;

namespace Gateway.Rules.Text;

/// <summary>
/// A post's Markdown, parsed once: the segmenter, the link extractor, the plain text a network is sent and the
/// dashboard's preview all read the same document, with the same rules (CommonMark, precise source locations), so
/// what is checked, what is counted, what is shown and what is published never disagree.
/// </summary>
public static class PostMarkdown
{
    public static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build();

    // Every check of one run asks for the same body instance; the table holds it weakly, so documents die with their posts.
    private static readonly ConditionalWeakTable<string, MarkdownDocument> Parsed = new();

    /// <summary>
    /// The document of <paramref name="body"/> (never changed by its readers), or <see cref="MarkdownTooDeepException"/>
    /// when it nests deeper than <see cref="MarkdownNesting.Limit"/>.
    /// </summary>
    public static MarkdownDocument Parse(string body) => Parsed.GetValue(body, b => MarkdownNesting.Parse(b, Pipeline));
}
