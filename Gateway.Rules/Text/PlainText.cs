using System.Net;
using System.Text;
using HtmlAgilityPack;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace Gateway.Rules.Text;

/// <summary>
/// A post's Markdown as a network shows it: plain text, links as their URLs, emphasis and markup dropped, one blank
/// line between paragraphs. What a publisher sends and what <c>network.length</c> counts, so the two always agree.
/// <see cref="SourceAt"/> maps each character back to the Markdown, so findings on it point at the original.
/// </summary>
public sealed class PlainText
{
    private readonly int[] _source;

    private PlainText(string text, int[] source) => (Text, _source) = (text, source);

    public string Text { get; }

    /// <summary>The offset in the Markdown that the character at <paramref name="index"/> of <see cref="Text"/> came from.</summary>
    public int SourceAt(int index) => index < _source.Length ? _source[index] : _source.Length == 0 ? 0 : _source[^1] + 1;

    public override string ToString() => Text;

    public static PlainText Render(string markdown)
    {
        var writer = new Writer(markdown);
        if (!string.IsNullOrEmpty(markdown))
        {
            foreach (var block in PostMarkdown.Parse(markdown))
            {
                writer.Block(block);
            }
        }
        return writer.Finish();
    }

    private sealed class Writer(string source)
    {
        private readonly StringBuilder _text = new();
        private readonly List<int> _map = [];
        private int _pendingBreaks; // paragraph breaks owed before the next text: a trailing one is never written

        public PlainText Finish() => new(_text.ToString(), [.. _map]);

        public void Block(Block block)
        {
            switch (block)
            {
                case ListBlock list:
                    var number = int.TryParse(list.OrderedStart, out var start) ? start : 1;
                    var gap = list.IsLoose ? 2 : 1;
                    var firstItem = true;
                    foreach (var item in list.OfType<ListItemBlock>())
                    {
                        Break(gap, replace: !firstItem);
                        Synthetic(list.IsOrdered ? $"{number++}{list.OrderedDelimiter} " : "• ", item.Span.Start);
                        var firstChild = true;
                        foreach (var child in item)
                        {
                            if (!firstChild)
                            {
                                Break(gap, replace: true);
                            }
                            Inner(child);
                            firstChild = false;
                        }
                        firstItem = false;
                    }
                    Break(2, replace: false);
                    break;
                case ContainerBlock container:
                    foreach (var child in container)
                    {
                        Block(child);
                    }
                    break;
                case ThematicBreakBlock:
                    break;
                default:
                    Break(2, replace: false);
                    Inner(block);
                    Break(2, replace: false);
                    break;
            }
        }

        // A block's own text, without the breaks around it.
        private void Inner(Block block)
        {
            switch (block)
            {
                case ContainerBlock:
                    Block(block);
                    break;
                case CodeBlock code:
                    Lines(code);
                    break;
                case HtmlBlock html:
                    Html(html.Span.Start, html.Span.End + 1);
                    break;
                case LeafBlock { Inline: { } inline }:
                    foreach (var child in inline)
                    {
                        Inline(child);
                    }
                    break;
            }
        }

        // Line breaks owed before the next text; none before the first text or after the last.
        private void Break(int lines, bool replace)
        {
            if (_text.Length > 0)
            {
                _pendingBreaks = replace ? lines : Math.Max(_pendingBreaks, lines);
            }
        }

        private void Lines(LeafBlock block)
        {
            var lines = block.Lines.Lines.AsSpan(0, block.Lines.Count);
            for (var i = 0; i < lines.Length; i++)
            {
                if (i > 0)
                {
                    Synthetic("\n", lines[i].Position);
                }
                var slice = lines[i].Slice;
                Copy(lines[i].Position, slice.Length);
            }
        }

        private void Inline(Inline inline)
        {
            switch (inline)
            {
                case LiteralInline literal:
                    Copy(literal.Span.Start, literal.Content.Length, literal.Content.ToString());
                    break;
                case CodeInline code:
                    Synthetic(code.Content, code.Span.Start + code.DelimiterCount);
                    break;
                case AutolinkInline autolink:
                    Copy(autolink.Span.Start + 1, autolink.Url.Length, autolink.Url);
                    break;
                case HtmlEntityInline entity:
                    Synthetic(entity.Transcoded.ToString(), entity.Span.Start);
                    break;
                case LineBreakInline lineBreak:
                    Synthetic("\n", lineBreak.Span.Start);
                    break;
                case HtmlInline:
                    break; // a tag; its text, if any, is the literal next to it
                case LinkInline { IsImage: true }:
                    break; // images are media, not text
                case LinkInline link:
                    var labelStart = _text.Length;
                    foreach (var child in link)
                    {
                        Inline(child);
                    }
                    var label = _text.ToString(labelStart, _text.Length - labelStart);
                    var url = link.Url ?? "";
                    if (url.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase) || url.Length == 0 || SameAddress(label, url))
                    {
                        break;
                    }
                    var at = link.UrlSpan.IsEmpty ? link.Span.Start : link.UrlSpan.Start;
                    if (label.Length > 0)
                    {
                        Synthetic(" ", at);
                    }
                    Copy(at, url.Length, url);
                    break;
                case ContainerInline container:
                    foreach (var child in container)
                    {
                        Inline(child);
                    }
                    break;
            }
        }

        // "[example.org/report](https://example.org/report)" already shows its address.
        private static bool SameAddress(string label, string url)
        {
            static string Bare(string s) => s.Trim().TrimEnd('/').Replace("https://", "", StringComparison.OrdinalIgnoreCase).Replace("http://", "", StringComparison.OrdinalIgnoreCase);
            return string.Equals(Bare(label), Bare(url), StringComparison.OrdinalIgnoreCase);
        }

        private void Html(int start, int end)
        {
            start = Math.Max(0, start);
            end = Math.Min(source.Length, end);
            var document = new HtmlDocument();
            document.LoadHtml(source[start..end]);
            foreach (var node in document.DocumentNode.Descendants().OfType<HtmlTextNode>())
            {
                if (node.ParentNode?.Name is "script" or "style")
                {
                    continue;
                }
                Synthetic(WebUtility.HtmlDecode(node.Text).Trim('\n'), start + Math.Max(0, node.StreamPosition));
            }
        }

        // Source text copied as is: each character maps to its own offset.
        private void Copy(int start, int length, string? text = null)
        {
            Flush(start);
            text ??= source.Substring(start, length);
            // Markdig's literal is the source, unescaped: "\*" arrives as "*" (one character for two).
            var exact = text.Length == length && start + length <= source.Length && source.AsSpan(start, length).SequenceEqual(text);
            for (var i = 0; i < text.Length; i++)
            {
                _text.Append(text[i]);
                _map.Add(exact ? start + i : start + Math.Min(i, Math.Max(0, length - 1)));
            }
        }

        // Text the rendering makes (a bullet, a URL out of a link, a break): every character maps to one source offset.
        private void Synthetic(string text, int at)
        {
            Flush(at);
            foreach (var c in text)
            {
                _text.Append(c);
                _map.Add(Math.Clamp(at, 0, Math.Max(0, source.Length - 1)));
            }
        }

        private void Flush(int at)
        {
            if (_pendingBreaks > 0 && _text.Length > 0)
            {
                for (var i = 0; i < _pendingBreaks; i++)
                {
                    _text.Append('\n');
                    _map.Add(Math.Clamp(at, 0, Math.Max(0, source.Length - 1)));
                }
            }
            _pendingBreaks = 0;
        }
    }
}
