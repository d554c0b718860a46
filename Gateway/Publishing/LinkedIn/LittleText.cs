using System.Text;

namespace Gateway.Publishing.LinkedIn;

/// <summary>
/// LinkedIn's "little" text format, which the Posts API reads <c>commentary</c> as: <c>\ | { } @ [ ] ( ) &lt; &gt; # * _ ~</c>
/// are markup (mentions, templates) and must be backslash-escaped to be text; unescaped, LinkedIn cuts the post at the
/// first one. A <c>#</c> that starts a word stays a hashtag, as people who write one mean it.
/// </summary>
public static class LittleText
{
    private const string Reserved = @"\|{}@[]()<>#*_~";

    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var hashtag = c == '#' && i + 1 < text.Length && char.IsLetterOrDigit(text, i + 1) && (i == 0 || !char.IsLetterOrDigit(text, i - 1));
            if (Reserved.Contains(c) && !hashtag)
            {
                escaped.Append('\\');
            }
            escaped.Append(c);
        }
        return escaped.ToString();
    }
}
