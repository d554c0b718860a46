using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Gateway.Rules.Text;

/// <summary>
/// How deeply a post's Markdown nests (quotes in lists in quotes, emphasis in links, …). Markdig gives up beyond
/// 128 levels, and its renderer, the segmenter and the link extractor walk the tree recursively; no post a person
/// writes comes near, so every parse of a post goes through here and a body deeper than <see cref="Limit"/> is
/// refused as such, before anything recurses over it.
/// </summary>
public static class MarkdownNesting
{
    public const int Limit = 32;

    // Markdig's own depth guard; its fuzzer tells it from real failures by this message, and so does this.
    private const string MarkdigDepthMessage = "Markdown elements in the input are too deeply nested";

    /// <summary>Parses <paramref name="body"/>, or throws <see cref="MarkdownTooDeepException"/> when it nests deeper than <see cref="Limit"/>.</summary>
    public static MarkdownDocument Parse(string body, MarkdownPipeline pipeline)
    {
        MarkdownDocument document;
        try
        {
            document = Markdown.Parse(body, pipeline);
        }
        catch (ArgumentException e) when (e.Message.StartsWith(MarkdigDepthMessage, StringComparison.Ordinal))
        {
            throw new MarkdownTooDeepException(null);
        }
        var depth = Depth(document);
        return depth <= Limit ? document : throw new MarkdownTooDeepException(depth);
    }

    /// <summary>Throws <see cref="MarkdownTooDeepException"/> when the post's parse (<see cref="PostMarkdown"/>) would.</summary>
    public static void Check(string body) => PostMarkdown.Parse(body);

    /// <summary>The longest chain of containers below the document, walked without recursion (the point is not to trust it).</summary>
    private static int Depth(MarkdownDocument document)
    {
        var deepest = 0;
        var pending = new Stack<(MarkdownObject Node, int Depth)>();
        pending.Push((document, 0));
        while (pending.TryPop(out var item))
        {
            deepest = Math.Max(deepest, item.Depth);
            switch (item.Node)
            {
                case ContainerBlock container:
                    foreach (var child in container)
                    {
                        pending.Push((child, item.Depth + 1));
                    }
                    break;
                case LeafBlock { Inline: { } inline }:
                    pending.Push((inline, item.Depth + 1));
                    break;
                case ContainerInline container:
                    foreach (var child in container)
                    {
                        pending.Push((child, item.Depth + 1));
                    }
                    break;
            }
        }
        return deepest;
    }
}

/// <summary>A body nested deeper than <see cref="MarkdownNesting.Limit"/>; <see cref="Depth"/> is null beyond what Markdig parses at all.</summary>
public sealed class MarkdownTooDeepException(int? depth) : Exception(
    $"nests its Markdown {(depth is { } d ? $"{d} levels" : "more than 128 levels")} deep (quotes, lists, emphasis, links inside each other); at most {MarkdownNesting.Limit} are accepted.")
{
    public int? Depth { get; } = depth;
}
