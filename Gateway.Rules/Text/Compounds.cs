using Gateway.Rules.Packs;

namespace Gateway.Rules.Text;

/// <summary>
/// Compound parts of one language (German, Dutch, Norwegian write compounds as one word): a form written
/// <c>Terror-</c> matches a word that starts with it when the rest is a known word ("Terrorgefahr"), one written
/// <c>-anschlag</c> a word that ends with it when the start, without a linking s/e/n/en/es, is a known word
/// ("Bombenanschläge"). The known words come from rules/compound-words.yml, reduced to stems like the text. The
/// seam is what makes it safe: letters that merely occur inside a word ("Mordshunger": "s" + "hunger" is no
/// word) never count, and the pack's allow-list names the idioms whose rest is a word ("Bombenstimmung").
/// </summary>
/// <remarks>
/// Hand-written rather than Lucene's DictionaryCompoundWordTokenFilter: that filter emits every dictionary word
/// found at any offset of a token without asking whether the rest is a word, which is exactly the false alarm
/// ("Mord" in "Mordshunger") we must not raise; the hyphenation variant needs grammar files we cannot bundle.
/// </remarks>
internal sealed class Compounds
{
    private static readonly string[] Linkers = ["", "s", "es", "e", "n", "en", "er"];
    private const int MinimumRest = 3;

    private readonly string _language;
    private readonly (int Pack, PackTerm Term, string Part)[] _heads;
    private readonly (int Pack, PackTerm Term, string Part)[] _tails;
    private readonly HashSet<string> _words;

    public Compounds(IReadOnlyList<RulePack> packs, string language, IEnumerable<(int Pack, PackTerm Term)> parts, IReadOnlyList<string> words)
    {
        _language = language;
        var all = parts.Select(p => (p.Pack, p.Term, Part: NormalizedText.Key(p.Term.Form, true))).ToArray();
        _heads = all.Where(p => p.Term.Part == CompoundPart.Head).ToArray();
        // A tail is compared with the stem of the whole word, so it is stemmed too ("anschläge" → "anschlag").
        _tails = all.Where(p => p.Term.Part == CompoundPart.Tail)
            .Select(p => p with { Part = Morphology.ReduceWord(p.Term.Form.ToLowerInvariant(), language, true) }).ToArray();
        _words = words.Select(w => Morphology.ReduceWord(w.ToLowerInvariant(), language, true)).ToHashSet(StringComparer.Ordinal);
    }

    public void Scan(PostAnalysis analysis, NormalizedText stems, List<ReducedWord> words, List<Candidate> found)
    {
        var normalized = analysis.Normalized;
        foreach (var word in words)
        {
            var length = word.SourceEnd - word.SourceStart;
            if (length < MinimumRest + 3)
            {
                continue;
            }
            string? folded = null;
            foreach (var (pack, term, part) in _heads)
            {
                folded ??= Fold(Unhidden(normalized.Text.AsSpan(word.SourceStart, length)));
                if (folded.Length - part.Length >= MinimumRest && folded.StartsWith(part, StringComparison.Ordinal)
                    && IsWord(folded[part.Length..]))
                {
                    Add(analysis, word, pack, term, found);
                }
            }
            if (_tails.Length == 0)
            {
                continue;
            }
            var stem = Fold(stems.Text.AsSpan(word.Start, word.Length));
            foreach (var (pack, term, part) in _tails)
            {
                if (stem.Length - part.Length >= MinimumRest && stem.EndsWith(part, StringComparison.Ordinal)
                    && Linkers.Any(l => stem.Length - part.Length - l.Length >= MinimumRest
                        && stem.AsSpan(0, stem.Length - part.Length).EndsWith(l)
                        && IsWord(stem[..(stem.Length - part.Length - l.Length)])))
                {
                    Add(analysis, word, pack, term, found);
                }
            }
        }
    }

    private bool IsWord(string rest) => _words.Contains(Morphology.ReduceWord(rest, _language, true)) || _words.Contains(rest);

    /// <summary>The word as the stemmer read it ("sch31ssladen" is "scheissladen"), so heads see through evasions too.</summary>
    private static ReadOnlySpan<char> Unhidden(ReadOnlySpan<char> surface)
    {
        var copy = surface.ToArray();
        return copy.AsSpan(0, EvasionFilter.Unhide(copy));
    }

    private static string Fold(ReadOnlySpan<char> surface) =>
        surface.ContainsAnyExceptInRange('\0', '\u007F') ? NormalizedText.Fold(surface.ToString()) : surface.ToString();

    private static void Add(PostAnalysis analysis, ReducedWord word, int pack, PackTerm term, List<Candidate> found)
    {
        var (start, length) = analysis.Normalized.ToOriginal(word.SourceStart, word.SourceEnd - word.SourceStart);
        var (kind, atStart) = analysis.UnitAt(word.SourceStart);
        found.Add(analysis.CandidateAt(pack, term, start, length, kind, atStart));
    }
}
