using System.Buffers;
using System.Globalization;
using System.Text;

namespace Gateway.Rules.Links;

/// <summary>
/// A URL written as plain text: its exact UTF-16 span, the address it opens and whether it was written with
/// <c>http://</c> or <c>https://</c> (a bare <c>www.</c> domain was not).
/// </summary>
public readonly record struct BareUrl(int Start, int Length, string Url, bool HasScheme)
{
    public int End => Start + Length;
}

/// <summary>
/// Finds the URLs that the networks turn into links in plain text; the link check and the length counter both ask here.
/// </summary>
/// <remarks>
/// Written by hand: no package on the feed extracts URLs the way the networks do. It follows twitter-text's extractor as
/// Mastodon patches it (app/lib/text_formatter.rb, config/initializers/twitter_regex.rb): a URL may not follow an ASCII
/// letter or digit, <c>@ $ #</c>; after the host comes a port, <c>/</c>, <c>?</c> or nothing; parentheses belong to it only
/// when balanced; it does not end in <c>. , : ; ! ? ' * ~ [ ] | @ $ %</c>. Unlike twitter-text, which wants a known
/// top-level domain, any host after <c>http(s)://</c> counts, as in Bluesky's facet detector (<c>https?://\S+</c>): readers
/// get a link for <c>localhost</c>, single labels and IP literals in every notation. <c>www.</c> without a scheme is a
/// link as in Markdig/GFM autolinks (at least one more dot, no <c>_</c> in the last two labels); X links those too,
/// Mastodon does not. Domains with neither (<c>example.com</c>) are not links: Mastodon does not link them either.
/// </remarks>
public static class BareUrls
{
    /// <summary>Characters that end a sentence rather than a URL (plus Markdown's <c>_</c>, as GFM autolinks).</summary>
    private const string Trailing = ".,:;!?'*~_[]|@$%「」";

    /// <summary>Characters that never belong to a URL in running text (twitter-text's path excludes the first two).</summary>
    private const string Stops = "<>\"`";

    /// <summary>Every URL in <paramref name="text"/>.</summary>
    public static IReadOnlyList<BareUrl> Find(string text) => Find(text, 0, text.Length);

    /// <summary>
    /// Every URL that lies within <c>[start, end)</c> of <paramref name="text"/>, e.g. one stretch of Markdown between code
    /// spans. The character before <paramref name="start"/> still decides whether a URL may begin there.
    /// </summary>
    public static IReadOnlyList<BareUrl> Find(string text, int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(end, text.Length);
        var urls = new List<BareUrl>();
        for (var i = start; i < end;)
        {
            if (Match(text, i, end) is { } url)
            {
                urls.Add(url);
                i = url.End;
            }
            else
            {
                i++;
            }
        }
        return urls;
    }

    private static BareUrl? Match(string text, int i, int end)
    {
        var before = i > 0 ? text[i - 1] : ' ';
        if (char.IsAsciiLetterOrDigit(before) || before is '@' or '＠' or '$' or '#' or '＃')
        {
            return null;
        }
        var rest = text.AsSpan(i, end - i);
        if (rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var host = i + rest.IndexOf("://", StringComparison.Ordinal) + 3;
            if (host >= end || !IsHostStart(text, host))
            {
                return null;
            }
            var stop = UrlEnd(text, i, host, end);
            return stop > host ? new BareUrl(i, stop - i, text[i..stop], true) : null;
        }
        if (rest.StartsWith("www.", StringComparison.OrdinalIgnoreCase) && before is not ('-' or '_' or '.' or '/'))
        {
            var stop = UrlEnd(text, i, i, end);
            return IsWwwDomain(text.AsSpan(i, stop - i)) ? new BareUrl(i, stop - i, "http://" + text[i..stop], false) : null;
        }
        return null;
    }

    /// <summary>Where the URL whose host starts at <paramref name="host"/> ends: host, then port/path/query/fragment, trimmed.</summary>
    private static int UrlEnd(string text, int start, int host, int end)
    {
        var j = HostEnd(text, host, end);
        var opens = new Stack<int>();
        if (j < end && text[j] is '/' or '?' or '#')
        {
            while (j < end && !char.IsWhiteSpace(text[j]) && !char.IsControl(text[j]) && !Stops.Contains(text[j]))
            {
                if (text[j] == '(')
                {
                    opens.Push(j);
                }
                else if (text[j] == ')')
                {
                    if (opens.Count == 0)
                    {
                        break; // "(see https://a.example/x)": the parenthesis is the sentence's
                    }
                    opens.Pop();
                }
                j++;
            }
        }
        if (opens.Count > 0)
        {
            j = opens.Last(); // an opening parenthesis never closed is not part of the URL, nor is anything after it
        }
        var brackets = 0;
        for (var k = start; k < j; k++)
        {
            brackets += text[k] == '[' ? 1 : text[k] == ']' ? -1 : 0;
        }
        while (j > host && Trailing.Contains(text[j - 1]))
        {
            if (text[j - 1] == ']')
            {
                if (brackets >= 0)
                {
                    break; // closes a bracket inside the URL: an IPv6 host or a query like ?a[]=1
                }
                brackets++;
            }
            else if (text[j - 1] == '[')
            {
                brackets--;
            }
            j--;
        }
        return j;
    }

    /// <summary>The end of the host (with user info and port) starting at <paramref name="i"/>.</summary>
    private static int HostEnd(string text, int i, int end)
    {
        while (i < end)
        {
            var length = IsHostChar(text, i);
            if (length == 0)
            {
                break;
            }
            i += length;
        }
        return i;
    }

    /// <summary>A host starts with a letter, digit or symbol of any script, or <c>[</c> for an IPv6 address.</summary>
    private static bool IsHostStart(string text, int i) => text[i] == '[' || (IsHostChar(text, i) > 0 && !"-._~%:@]。．｡".Contains(text[i]));

    /// <summary>
    /// How many UTF-16 units the host character at <paramref name="i"/> takes, or 0 when it ends the host: letters, digits,
    /// marks and symbols of any script (IDN, emoji domains), IDNA's full-width dots, and <c>- . _ ~ % : @ [ ]</c>.
    /// </summary>
    private static int IsHostChar(string text, int i)
    {
        var c = text[i];
        if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '%' or ':' or '@' or '[' or ']' or '。' or '．' or '｡')
        {
            return 1;
        }
        if (c < 0x80 || Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var length) != OperationStatus.Done)
        {
            return 0;
        }
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber
                or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber or UnicodeCategory.NonSpacingMark
                or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark or UnicodeCategory.OtherSymbol => length,
            _ => 0,
        };
    }

    /// <summary>
    /// GFM's "valid domain" at the start of <paramref name="url"/> (<c>www.</c> and what follows up to a port, path or end):
    /// letters, digits, <c>-</c>, <c>_</c>, at least one more dot, no <c>_</c> in the last two labels.
    /// </summary>
    private static bool IsWwwDomain(ReadOnlySpan<char> url)
    {
        var length = 0;
        while (length < url.Length && (char.IsLetterOrDigit(url[length]) || url[length] is '-' or '_' or '.'))
        {
            length++;
        }
        if (length < url.Length && url[length] is not (':' or '/' or '?' or '#'))
        {
            return false; // www.example.com@evil or www.x~y: not a domain GFM links
        }
        var labels = url[..length].ToString().Split('.');
        return labels.Length >= 3 && labels.All(l => l.Length > 0) && !labels[^1].Contains('_') && !labels[^2].Contains('_');
    }
}
