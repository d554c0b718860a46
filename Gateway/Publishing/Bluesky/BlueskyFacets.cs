using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gateway.Rules.Links;

namespace Gateway.Publishing.Bluesky;

/// <summary>
/// The rich-text facets of a post's text (<c>app.bsky.richtext.facet</c>): links, mentions and hashtags, each over its
/// range in UTF-8 bytes of the text, as the lexicon counts. Bluesky shows nothing as a link, mention or tag that has no
/// facet, and a range off by a byte underlines the wrong characters.
/// </summary>
/// <remarks>
/// Links are the URLs <see cref="BareUrls"/> finds (what the link check and the length count saw). Mentions and tags
/// follow the official client's detector (<c>@atproto/api</c> rich-text/util.ts: <c>MENTION_REGEX</c>,
/// <c>TAG_REGEX</c>); a mention gets a facet only when its handle resolves to a DID.
/// </remarks>
public static partial class BlueskyFacets
{
    public abstract record Feature;

    public sealed record Link(string Uri) : Feature;

    public sealed record Mention(string Did) : Feature;

    public sealed record Tag(string Name) : Feature;

    /// <param name="ByteStart">Inclusive, in UTF-8 bytes of the text.</param>
    /// <param name="ByteEnd">Exclusive.</param>
    public sealed record Facet(int ByteStart, int ByteEnd, Feature Feature)
    {
        public JsonObject ToLexicon() => new()
        {
            ["index"] = new JsonObject { ["byteStart"] = ByteStart, ["byteEnd"] = ByteEnd },
            ["features"] = new JsonArray(Feature switch
            {
                Link l => new JsonObject { ["$type"] = "app.bsky.richtext.facet#link", ["uri"] = l.Uri },
                Mention m => new JsonObject { ["$type"] = "app.bsky.richtext.facet#mention", ["did"] = m.Did },
                Tag t => new JsonObject { ["$type"] = "app.bsky.richtext.facet#tag", ["tag"] = t.Name },
                _ => throw new InvalidOperationException(Feature.GetType().Name),
            }),
        };
    }

    // (^|\s|\()@ then a handle: ASCII letters, digits, dots and hyphens, ending on a letter or digit.
    [GeneratedRegex(@"(?<=^|\s|\()@([a-zA-Z0-9.-]*[a-zA-Z0-9])(?![a-zA-Z0-9_])")]
    private static partial Regex MentionPattern();

    // TAG_REGEX: not a number, no spaces or zero-width characters, not starting with U+FE0F.
    [GeneratedRegex(@"(?<=^|\s)[#＃]((?!\uFE0F)[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20E2]*[^0-9\s\p{P}\u00AD\u2060\u200A\u200B\u200C\u200D\u20E2]+[^\s\u00AD\u2060\u200A\u200B\u200C\u200D\u20E2]*)")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\p{P}+$")]
    private static partial Regex TrailingPunctuation();

    // The handle syntax (a domain name of two labels or more, the last one not starting with a digit).
    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$")]
    private static partial Regex HandleSyntax();

    /// <summary>
    /// The facets of <paramref name="text"/>, in text order. <paramref name="resolve"/> gives the DID of a handle, or
    /// null when it has none (that mention stays plain text).
    /// </summary>
    public static async Task<IReadOnlyList<Facet>> FindAsync(string text, Func<string, CancellationToken, Task<string?>> resolve, CancellationToken cancellationToken)
    {
        var found = new List<(int Start, int End, Feature Feature)>();
        foreach (var url in BareUrls.Find(text))
        {
            found.Add((url.Start, url.End, new Link(url.Url)));
        }
        foreach (Match m in MentionPattern().Matches(text))
        {
            var handle = m.Groups[1].Value.ToLowerInvariant();
            if (handle.Length <= 253 && HandleSyntax().IsMatch(handle) && !Overlaps(found, m.Index, m.Index + m.Length)
                && await resolve(handle, cancellationToken) is { } did)
            {
                found.Add((m.Index, m.Index + m.Length, new Mention(did)));
            }
        }
        foreach (Match m in TagPattern().Matches(text))
        {
            var tag = TrailingPunctuation().Replace(m.Groups[1].Value.Trim(), "");
            var end = m.Index + 1 + tag.Length;
            if (tag.Length > 0 && new StringInfo(tag).LengthInTextElements <= 64 && Encoding.UTF8.GetByteCount(tag) <= 640 && !Overlaps(found, m.Index, end))
            {
                found.Add((m.Index, end, new Tag(tag)));
            }
        }
        return found.OrderBy(f => f.Start)
            .Select(f => new Facet(Encoding.UTF8.GetByteCount(text.AsSpan(0, f.Start)), Encoding.UTF8.GetByteCount(text.AsSpan(0, f.End)), f.Feature))
            .ToArray();
    }

    private static bool Overlaps(List<(int Start, int End, Feature Feature)> found, int start, int end) =>
        found.Any(f => start < f.End && f.Start < end);
}
