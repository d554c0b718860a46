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

    private readonly Dictionary<string, string[]> _languagesOf = new(StringComparer.Ordinal);

    public LanguageDetector(IReadOnlyDictionary<string, IReadOnlyList<string>> stopwords)
    {
        Languages = stopwords.Keys.Order(StringComparer.Ordinal).ToArray();
        foreach (var (language, words) in stopwords)
        {
            foreach (var word in words.Distinct(StringComparer.Ordinal))
            {
                _languagesOf[word] = _languagesOf.TryGetValue(word, out var existing) ? [.. existing, language] : [language];
            }
        }
    }

    public IReadOnlyList<string> Languages { get; }

    /// <summary>Detects the language of already normalised (lower-case) text.</summary>
    public LanguageGuess Detect(string normalised)
    {
        var scores = Languages.ToDictionary(l => l, _ => 0, StringComparer.Ordinal);
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
            if (i > start && _languagesOf.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(normalised.AsSpan(start, i - start), out var languages))
            {
                foreach (var language in languages)
                {
                    scores[language]++;
                }
            }
        }
        var ranked = scores.OrderByDescending(s => s.Value).ThenBy(s => s.Key, StringComparer.Ordinal).ToArray();
        var best = ranked[0];
        var second = ranked.Length > 1 ? ranked[1].Value : 0;
        var sure = best.Value >= MinHits && best.Value * 2 > second * 3;
        return new LanguageGuess(sure ? best.Key : null, best.Value, scores);
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
