namespace Gateway.Rules.Text;

/// <summary>
/// Splits a hashtag into words the way people write them: on CamelCase, on letter/digit changes and on
/// underscores. <c>#CommittedSuicide</c> → committed, suicide; <c>#COVID19Vaccine</c> → COVID, 19, Vaccine.
/// A single digit between lower-case letters is part of the word, as leetspeak writes it (<c>#Sh1tShow</c> → Sh1t, Show).
/// A lower-case run (<c>#gettngslizzerd</c>) stays one word; the joined form is always matched as well.
/// </summary>
public static class HashtagSplitter
{
    /// <summary>The word ranges [Start, End) in <paramref name="text"/> between <paramref name="start"/> and <paramref name="end"/>.</summary>
    public static IReadOnlyList<(int Start, int End)> Split(string text, int start, int end)
    {
        var parts = new List<(int, int)>();
        var partStart = -1;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (!WordChars.IsWordChar(text, i) || char.IsLowSurrogate(c))
            {
                if (partStart >= 0 && !char.IsLowSurrogate(c))
                {
                    parts.Add((partStart, i));
                    partStart = -1;
                }
                continue;
            }
            if (partStart < 0)
            {
                partStart = i;
                continue;
            }
            var previous = text[i - 1];
            var boundary =
                (char.IsLower(previous) && char.IsUpper(c))
                || (char.IsDigit(previous) != char.IsDigit(c) && !InWord(text, i, start, end))
                || (char.IsUpper(previous) && char.IsUpper(c) && i + 1 < end && char.IsLower(text[i + 1]));
            if (boundary)
            {
                parts.Add((partStart, i));
                partStart = i;
            }
        }
        if (partStart >= 0)
        {
            parts.Add((partStart, end));
        }
        return parts;
    }

    /// <summary>Whether the letter/digit change before <paramref name="i"/> is inside one word: a single digit between lower-case letters.</summary>
    private static bool InWord(string text, int i, int start, int end)
    {
        var digit = char.IsDigit(text[i]) ? i : i - 1;
        return digit > start && digit + 1 < end
            && char.IsLower(text[digit - 1]) && char.IsLower(text[digit + 1]);
    }

    /// <summary>The split words as plain strings, e.g. for tests and evidence.</summary>
    public static IReadOnlyList<string> Words(string hashtag)
    {
        var start = hashtag.StartsWith('#') ? 1 : 0;
        return Split(hashtag, start, hashtag.Length).Select(p => hashtag[p.Start..p.End]).ToArray();
    }
}
