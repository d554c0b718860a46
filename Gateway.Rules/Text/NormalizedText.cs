using System.Globalization;
using System.Text;

namespace Gateway.Rules.Text;

/// <summary>
/// Text prepared for matching (NFKC, lower case, straight apostrophes, collapsed whitespace and, when asked,
/// without diacritics), with a map from every normalised character back to the span of the original body it
/// came from, so a match in here is a span out there.
/// </summary>
public sealed class NormalizedText
{
    /// <summary>Stands between pieces that must never be matched across (a URL, a code span, another scope).</summary>
    public const char Separator = '\u0001';

    private NormalizedText(string text, int[] starts, int[] ends)
    {
        Text = text;
        Starts = starts;
        Ends = ends;
    }

    public string Text { get; }

    /// <summary>Original offset where the normalised character at each index starts.</summary>
    public int[] Starts { get; }

    /// <summary>Original offset just after the normalised character at each index.</summary>
    public int[] Ends { get; }

    /// <summary>The original span of the normalised range [start, start + length).</summary>
    public (int Start, int Length) ToOriginal(int start, int length)
    {
        var originalStart = Starts[start];
        return (originalStart, Ends[start + length - 1] - originalStart);
    }

    /// <summary>Normalises a whole string (used for terms and tests).</summary>
    public static NormalizedText Of(string text, bool foldDiacritics)
    {
        var builder = new Builder(text, foldDiacritics);
        builder.Append(0, text.Length);
        return builder.Build();
    }

    /// <summary>Normalises a term the same way post text is, and trims it.</summary>
    public static string Key(string term, bool foldDiacritics) => Of(term.Trim(), foldDiacritics).Text.Trim(' ');

    /// <summary>Builds one normalised text from several ranges of one original string.</summary>
    public sealed class Builder(string original, bool foldDiacritics)
    {
        private char[] _chars = new char[original.Length + 16];
        private int[] _starts = new int[original.Length + 16];
        private int[] _ends = new int[original.Length + 16];
        private int _length;

        public int Length => _length;

        public void Append(int start, int end)
        {
            var i = start;
            while (i < end)
            {
                var c = original[i];
                if (c < 0x80 && (i + 1 >= end || original[i + 1] < 0x80))
                {
                    if (char.IsWhiteSpace(c))
                    {
                        AppendSpace(i, i + 1);
                    }
                    else
                    {
                        Put(char.ToLowerInvariant(c), i, i + 1);
                    }
                    i++;
                    continue;
                }
                var length = Math.Max(1, StringInfo.GetNextTextElementLength(original.AsSpan(i, end - i)));
                foreach (var n in NormalizeGrapheme(original.AsSpan(i, length), foldDiacritics))
                {
                    if (char.IsWhiteSpace(n))
                    {
                        AppendSpace(i, i + length);
                    }
                    else
                    {
                        Put(n, i, i + length);
                    }
                }
                i += length;
            }
        }

        /// <summary>Appends one normalised character that stands for the original range [start, end).</summary>
        public void Put(char c, int start, int end)
        {
            if (_length == _chars.Length)
            {
                Array.Resize(ref _chars, _length * 2);
                Array.Resize(ref _starts, _length * 2);
                Array.Resize(ref _ends, _length * 2);
            }
            _chars[_length] = c;
            _starts[_length] = start;
            _ends[_length] = end;
            _length++;
        }

        private char LastChar => _length == 0 ? Separator : _chars[_length - 1];

        public void AppendSpace(int start, int end)
        {
            if (_length > 0 && LastChar is not (' ' or Separator))
            {
                Put(' ', start, end);
            }
        }

        public void AppendSeparator(int at)
        {
            if (_length > 0 && LastChar == ' ')
            {
                _chars[_length - 1] = Separator;
                return;
            }
            if (_length > 0 && LastChar != Separator)
            {
                Put(Separator, at, at);
            }
        }

        /// <summary>Closes a piece: the next text appended can never be matched together with this one.</summary>
        public void EndWithSeparator(int at) => AppendSeparator(at);

        public NormalizedText Build() =>
            new(new string(_chars, 0, _length), _starts.AsSpan(0, _length).ToArray(), _ends.AsSpan(0, _length).ToArray());
    }

    private static readonly System.Buffers.SearchValues<char> Invisible =
        System.Buffers.SearchValues.Create("\u00AD\u200B\u200C\u200D\u2060\uFEFF");

    private static bool IsInvisible(ReadOnlySpan<char> grapheme)
    {
        foreach (var c in grapheme)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.Format)
            {
                return false;
            }
        }
        return true;
    }

    private static string NormalizeGrapheme(ReadOnlySpan<char> grapheme, bool foldDiacritics)
    {
        if (grapheme.Length == 1)
        {
            switch (grapheme[0])
            {
                case '\u2019' or '\u2018' or '\u02BC' or '\u2032' or '\u00B4' or '\u0060' or '\uFF07':
                    return "'";
                case '\u201C' or '\u201D' or '\u201E' or '\u00AB' or '\u00BB':
                    return "\"";
                case '\u00DF' or '\u1E9E':
                    return "ss";
                case '\u00A0':
                    return " ";
            }
        }
        if (IsInvisible(grapheme))
        {
            return ""; // zero-width spaces, joiners and soft hyphens hide words: "f\u200Buck" is "fuck"
        }
        var text = new string(grapheme).Normalize(NormalizationForm.FormKC).ToLowerInvariant();
        if (text.AsSpan().ContainsAny(Invisible))
        {
            text = string.Concat(text.Where(c => !Invisible.Contains(c)));
        }
        if (text.Contains('\u00DF'))
        {
            text = text.Replace("\u00DF", "ss", StringComparison.Ordinal);
        }
        return foldDiacritics ? Fold(text) : text;
    }

    /// <summary>Removes diacritics from lower-case text ("apšaude" → "apsaude", "ø" → "o").</summary>
    internal static string Fold(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                    continue;
            }
            folded.Append(c switch
            {
                'ø' => "o",
                'æ' => "ae",
                'œ' => "oe",
                'ł' => "l",
                'đ' => "d",
                'ı' => "i",
                _ => c.ToString(),
            });
        }
        return folded.ToString();
    }
}
