namespace Gateway.Rules.Text;

/// <summary>The language a text most likely is, by counting stop words; null when the text is too short or mixed to tell.</summary>
public sealed record LanguageGuess(string? Language, int Hits, IReadOnlyDictionary<string, int> Scores);

/// <summary>
/// A small language identifier for the packs' languages, built from stop-word lists: function words ("the",
/// "und", "het", "og", "un") are frequent, short and distinctive, so counting them tells en/de/nl/nb/lv apart
/// reliably from a sentence or two, with no model to ship.
/// </summary>
public sealed class LanguageDetector
{
    public const int MinHits = 3;

    private readonly Dictionary<string, int[]> _languagesOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly string[] _languages;

    public LanguageDetector(IReadOnlyDictionary<string, IReadOnlyList<string>> stopwords)
    {
        _languages = stopwords.Keys.Order(StringComparer.Ordinal).ToArray();
        for (var l = 0; l < _languages.Length; l++)
        {
            foreach (var word in stopwords[_languages[l]].Distinct(StringComparer.Ordinal))
            {
                _languagesOf[word] = _languagesOf.TryGetValue(word, out var existing) ? [.. existing, l] : [l];
            }
        }
        _lookup = _languagesOf.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public IReadOnlyList<string> Languages => _languages;

    /// <summary>Detects the language of already normalised (lower-case) text.</summary>
    public LanguageGuess Detect(string normalised)
    {
        Span<int> scores = stackalloc int[_languages.Length];
        var i = 0;
        while (i < normalised.Length)
        {
            while (i < normalised.Length && !WordChars.IsWordChar(normalised, i))
            {
                i++;
            }
            var start = i;
            while (i < normalised.Length && (WordChars.IsWordChar(normalised, i)
                || (normalised[i] == '\'' && i + 1 < normalised.Length && WordChars.IsWordChar(normalised, i + 1))))
            {
                i++;
            }
            if (i > start && _lookup.TryGetValue(normalised.AsSpan(start, i - start), out var languages))
            {
                foreach (var language in languages)
                {
                    scores[language]++;
                }
            }
        }
        // Highest score wins; ties go to the first language in code order, which is then not "sure".
        int best = 0, second = 0, bestIndex = 0;
        for (var l = 0; l < scores.Length; l++)
        {
            if (scores[l] > best)
            {
                (second, best, bestIndex) = (best, scores[l], l);
            }
            else if (scores[l] > second)
            {
                second = scores[l];
            }
        }
        var sure = best >= MinHits && best * 2 > second * 3;
        var all = new Dictionary<string, int>(_languages.Length, StringComparer.Ordinal);
        for (var l = 0; l < _languages.Length; l++)
        {
            all[_languages[l]] = scores[l];
        }
        return new LanguageGuess(sure ? _languages[bestIndex] : null, best, all);
    }

    /// <summary>"en-GB" → "en", "no"/"nn"/"nob" → "nb"; lower case.</summary>
    public static string Normalize(string? language)
    {
        if (string.IsNullOrWhiteSpace(language))
        {
            return "";
        }
        var code = language.Trim().ToLowerInvariant();
        var dash = code.IndexOfAny(['-', '_']);
        if (dash > 0)
        {
            code = code[..dash];
        }
        return code is "no" or "nob" or "nn" ? "nb" : code;
    }
}
