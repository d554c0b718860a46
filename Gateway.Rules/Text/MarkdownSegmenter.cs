using HtmlAgilityPack;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Gateway.Rules.Text;

/// <summary>
/// Cuts a Markdown body into scoped segments with exact UTF-16 offsets into the original text, using Markdig's
/// precise source locations (and HtmlAgilityPack for the text inside raw HTML blocks). Markup itself (<c>**</c>,
/// <c>](</c>, fences) belongs to no segment.
/// </summary>
public static class MarkdownSegmenter
{
    public static IReadOnlyList<TextSegment> Segment(string body)
    {
        var segments = new List<TextSegment>();
        if (string.IsNullOrEmpty(body))
        {
            return segments;
        }
        var document = PostMarkdown.Parse(body);
        var runs = new List<TextSegment>();
        foreach (var block in document)
        {
            VisitBlock(body, block, segments, runs);
        }
        // Markdig splits text at characters that might have been markup (an unmatched '_' or '*'), so a URL or
        // #hash_tag can arrive in pieces: glue source-contiguous runs before looking for them.
        runs.Sort((a, b) => a.Start.CompareTo(b.Start));
        for (var i = 0; i < runs.Count;)
        {
            var run = runs[i];
            var end = run.End;
            var j = i + 1;
            while (j < runs.Count && runs[j].Start == end && runs[j].Scope == run.Scope)
            {
                end = runs[j].End;
                j++;
            }
            AddText(body, run.Start, end, run.Scope, segments);
            i = j;
        }
        segments.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.Length.CompareTo(b.Length));
        return segments;
    }

    private static void VisitBlock(string body, Block block, List<TextSegment> segments, List<TextSegment> runs)
    {
        switch (block)
        {
            case CodeBlock code: // fenced and indented
                AddLines(body, code, Scope.Code, segments);
                break;
            case HtmlBlock html:
                AddHtml(body, html.Span.Start, html.Span.End + 1, runs);
                break;
            case LeafBlock leaf when leaf.Inline is not null:
                foreach (var inline in leaf.Inline)
                {
                    VisitInline(body, inline, Scope.Prose, segments, runs);
                }
                break;
            case ContainerBlock container:
                foreach (var child in container)
                {
                    VisitBlock(body, child, segments, runs);
                }
                break;
        }
    }

    private static void AddLines(string body, LeafBlock block, Scope scope, List<TextSegment> segments)
    {
        foreach (var line in block.Lines.Lines.AsSpan(0, block.Lines.Count))
        {
            var slice = line.Slice;
            var start = line.Position;
            if (slice.Length > 0 && start >= 0 && start + slice.Length <= body.Length)
            {
                segments.Add(new TextSegment(scope, start, slice.Length));
            }
        }
    }

    private static void VisitInline(string body, Inline inline, Scope scope, List<TextSegment> segments, List<TextSegment> runs)
    {
        switch (inline)
        {
            case LiteralInline literal:
                Add(body, literal.Span.Start, literal.Span.End + 1, scope, runs);
                break;
            case CodeInline code:
                Add(body, code.Span.Start, code.Span.End + 1, Scope.Code, segments);
                break;
            case AutolinkInline autolink:
                Add(body, autolink.Span.Start, autolink.Span.End + 1, Scope.Url, segments);
                break;
            case HtmlEntityInline entity:
                Add(body, entity.Span.Start, entity.Span.End + 1, scope, runs);
                break;
            case LinkInline link:
                var inner = link.IsImage ? Scope.ImageAlt : Scope.LinkText;
                foreach (var child in link)
                {
                    VisitInline(body, child, inner, segments, runs);
                }
                if (!link.UrlSpan.IsEmpty)
                {
                    Add(body, link.UrlSpan.Start, link.UrlSpan.End + 1, Scope.Url, segments);
                }
                if (!link.TitleSpan.IsEmpty)
                {
                    Add(body, link.TitleSpan.Start, link.TitleSpan.End + 1, inner, runs);
                }
                break;
            case ContainerInline container:
                foreach (var child in container)
                {
                    VisitInline(body, child, scope, segments, runs);
                }
                break;
        }
    }

    private static void Add(string body, int start, int end, Scope scope, List<TextSegment> segments)
    {
        start = Math.Max(0, start);
        end = Math.Min(body.Length, end);
        if (end > start)
        {
            segments.Add(new TextSegment(scope, start, end - start));
        }
    }

    private static void AddHtml(string body, int start, int end, List<TextSegment> segments)
    {
        start = Math.Max(0, start);
        end = Math.Min(body.Length, end);
        if (end <= start)
        {
            return;
        }
        var document = new HtmlDocument();
        document.LoadHtml(body[start..end]);
        foreach (var node in document.DocumentNode.Descendants())
        {
            if (node is HtmlTextNode text && node.ParentNode?.Name is not ("script" or "style" or "code" or "pre"))
            {
                var position = node.StreamPosition;
                var length = text.Text.Length;
                if (position >= 0 && position + length <= end - start && body.AsSpan(start + position, length).SequenceEqual(text.Text))
                {
                    Add(body, start + position, start + position + length, Scope.Html, segments);
                }
            }
        }
    }

    /// <summary>Adds a run of text, cutting out hashtags, mentions and bare URLs as their own scopes.</summary>
    internal static void AddText(string body, int start, int end, Scope scope, List<TextSegment> segments)
    {
        start = Math.Max(0, start);
        end = Math.Min(body.Length, end);
        var runStart = start;
        var i = start;
        while (i < end)
        {
            var special = SpecialAt(body, i, end, start, out var length);
            if (special is { } s)
            {
                Add(body, runStart, i, scope, segments);
                segments.Add(new TextSegment(s, i, length));
                i += length;
                runStart = i;
            }
            else
            {
                i++;
            }
        }
        Add(body, runStart, end, scope, segments);
    }

    private static Scope? SpecialAt(string body, int i, int end, int start, out int length)
    {
        length = 0;
        var c = body[i];
        var atWordStart = i == 0 || !WordChars.IsWordChar(body, i - 1);
        if ((c == '#' || c == '@') && atWordStart && i + 1 < end && WordChars.IsWordChar(body, i + 1))
        {
            if (i > start && body[i - 1] is '#' or '@' or '/')
            {
                return null;
            }
            var j = i + 1;
            while (j < end && (WordChars.IsWordChar(body, j) || body[j] == '_'))
            {
                j += char.IsSurrogatePair(body, j) ? 2 : 1;
            }
            length = j - i;
            if (c == '#' && !body.AsSpan(i + 1, j - i - 1).ContainsAnyExcept("0123456789_"))
            {
                return null; // "#1 in service" is a number, not a hashtag (networks need a letter too)
            }
            return c == '#' ? Scope.Hashtag : Scope.Mention;
        }
        if ((c is 'h' or 'H' or 'w' or 'W') && atWordStart)
        {
            var rest = body.AsSpan(i, end - i);
            if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
                || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
                || rest.StartsWith("www.", StringComparison.OrdinalIgnoreCase))
            {
                var j = i;
                while (j < end && !char.IsWhiteSpace(body[j]))
                {
                    j++;
                }
                // Trailing punctuation usually ends the sentence, not the URL.
                while (j > i && body[j - 1] is '.' or ',' or '!' or '?' or ')' or ';' or ':' or '"' or '\'')
                {
                    j--;
                }
                length = j - i;
                return length > 4 ? Scope.Url : null;
            }
        }
        return null;
    }
}
