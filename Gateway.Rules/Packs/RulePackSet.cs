using System.Runtime.CompilerServices;
using Gateway.Rules.Packs.Kinds;
using Gateway.Rules.Text;

namespace Gateway.Rules.Packs;

/// <summary>A term (or pattern) hit after language filtering, allow-lists and longest-match, in original body offsets.</summary>
public sealed record TermHit(RulePack Pack, string Term, string Language, int Certainty, int Start, int Length, Scope Scope);

/// <summary>
/// Every loaded pack, compiled once: all terms of all packs in one Aho–Corasick automaton (one more for packs
/// that ignore diacritics), so a post is scanned once whatever the number of terms. Immutable and thread-safe.
/// </summary>
public sealed class RulePackSet
{
    internal readonly record struct Entry(int Pack, PackTerm Term, bool HashtagOnly);

    private readonly Entry[] _strictEntries;
    private readonly Entry[] _foldedEntries;
    private readonly AhoCorasick? _strict;
    private readonly AhoCorasick? _folded;
    private readonly ConditionalWeakTable<string, PostAnalysis> _analyses = new();
    private readonly Dictionary<string, Reduced> _reduced = new(StringComparer.Ordinal);

    /// <param name="compoundWords">Per compound language, the words a compound's rest must be (rules/compound-words.yml).</param>
    public RulePackSet(IReadOnlyList<RulePack> packs, IReadOnlyDictionary<string, IReadOnlyList<string>>? compoundWords = null)
    {
        Packs = packs;
        var strict = new List<Entry>();
        var folded = new List<Entry>();
        for (var p = 0; p < packs.Count; p++)
        {
            if (packs[p].Options is not TermPack termPack)
            {
                continue;
            }
            var target = termPack.FoldDiacritics ? folded : strict;
            foreach (var term in termPack.Forms.Where(t => t.Part == CompoundPart.None))
            {
                target.Add(new Entry(p, term, false));
                if (term.Key.Contains(' '))
                {
                    // "school shooting" is also #schoolshooting; only hashtags are matched against these.
                    target.Add(new Entry(p, term with { Key = term.Key.Replace(" ", "", StringComparison.Ordinal) }, true));
                }
            }
        }
        _strictEntries = [.. strict];
        _foldedEntries = [.. folded];
        _strict = strict.Count > 0 ? new AhoCorasick(strict.Select(e => e.Term.Key).ToArray()) : null;
        _folded = folded.Count > 0 ? new AhoCorasick(folded.Select(e => e.Term.Key).ToArray()) : null;
        var detectorPack = packs.Select(p => p.Options).OfType<LanguagePack>().FirstOrDefault();
        Detector = detectorPack is null ? null : new LanguageDetector(detectorPack.Normalized);
        Languages = packs.Select(p => p.Options).OfType<TermPack>().SelectMany(p => p.Forms.Select(t => t.Language))
            .Concat(Detector?.Languages ?? [])
            .Where(l => l != "any")
            .ToHashSet(StringComparer.Ordinal);
        foreach (var language in Morphology.Languages.Where(Languages.Contains))
        {
            _reduced[language] = new Reduced(packs, language, compoundWords?.GetValueOrDefault(language) ?? []);
        }
        TermCount = strict.Count + folded.Count + _reduced.Values.Sum(r => r.TermCount);
    }

    public static RulePackSet Empty { get; } = new([]);

    public IReadOnlyList<RulePack> Packs { get; }

    /// <summary>Languages the packs know (term languages and the language detector's).</summary>
    public IReadOnlySet<string> Languages { get; }

    public LanguageDetector? Detector { get; }

    /// <summary>Number of strings in the automata (forms, plus joined forms of phrases for hashtags).</summary>
    public int TermCount { get; }

    public RulePack? Find(string rule) => Packs.FirstOrDefault(p => p.Rule == rule);

    /// <summary>
    /// Parses, normalises and scans a body once; every check of one pipeline run asks for the same body
    /// instance, so the work is shared (the cache holds the body weakly and dies with this set on reload).
    /// </summary>
    public PostAnalysis Analyze(string body) => _analyses.GetValue(body, b => new PostAnalysis(b, this));

    internal void Scan(NormalizedText text, IReadOnlyList<Region> regions, PostAnalysis analysis, bool folded)
    {
        var automaton = folded ? _folded : _strict;
        if (automaton is not null)
        {
            ScanInto(automaton, folded ? _foldedEntries : _strictEntries, text, regions, analysis, analysis.AddCandidate);
        }
    }

    /// <summary>The candidates of the text reduced to stems in one language (and of compounds in it).</summary>
    internal List<Candidate> ScanReduced(PostAnalysis analysis, string language)
    {
        var found = new List<Candidate>();
        if (_reduced.TryGetValue(language, out var reduced))
        {
            reduced.Scan(analysis, found);
        }
        return found;
    }

    /// <summary>Every whole-word occurrence of an automaton's keys in a text, as candidates in original offsets.</summary>
    private static void ScanInto(AhoCorasick automaton, Entry[] entries, NormalizedText text, IReadOnlyList<Region> regions,
        PostAnalysis analysis, Action<Candidate> add)
    {
        var state = new ScanState(text, regions, analysis, entries, add);
        automaton.FindAll(text.Text, ref state, static (ref ScanState s, int id, int start, int length) =>
        {
            // Matches arrive in order of their end, and never span a separator, so the region only moves forward.
            while (s.Region < s.Regions.Count - 1 && s.Regions[s.Region].End < start + length)
            {
                s.Region++;
            }
            var kind = s.Regions[s.Region].Kind;
            var entry = s.Entries[id];
            if (entry.HashtagOnly && kind != UnitKind.HashtagJoined)
            {
                return;
            }
            var normalised = s.Text.Text;
            if ((start > 0 && WordChars.IsWordChar(normalised, start - 1))
                || (start + length < normalised.Length && WordChars.IsWordChar(normalised, start + length)))
            {
                return; // not a whole word: "ass" in "class"
            }
            var (originalStart, originalLength) = s.Text.ToOriginal(start, length);
            s.Add(s.Analysis.CandidateAt(entry.Pack, entry.Term, originalStart, originalLength, kind, start == s.Regions[s.Region].Start));
        });
    }

    internal bool HasFolded => _folded is not null;

    /// <summary>
    /// The hits of the packs selected by <paramref name="select"/> for this account: terms of the account's
    /// language, the post's detected language and 'any'; within each pack allow-list entries and longer matches
    /// win over the shorter ones they overlap; ordered by position.
    /// </summary>
    public IReadOnlyList<TermHit> Hits(PostAnalysis analysis, AccountProfile account, Func<RulePack, bool> select)
    {
        var accountLanguage = LanguageDetector.Normalize(account.Language);
        var everyLanguage = !Languages.Contains(accountLanguage);
        var detected = analysis.Language?.Language;
        bool LanguageOk(string language) =>
            everyLanguage || language == "any" || language == accountLanguage || language == detected;

        var byPack = new Dictionary<RulePack, List<Candidate>>();
        IEnumerable<Candidate> all = analysis.Candidates;
        foreach (var language in _reduced.Keys)
        {
            if (everyLanguage || language == accountLanguage || language == detected)
            {
                all = all.Concat(analysis.ReducedCandidates(language));
            }
        }
        foreach (var candidate in all)
        {
            var pack = Packs[candidate.Pack];
            if (select(pack) && pack.AppliesTo(account) && ((TermPack)pack.Options).ScopeSet.Contains(candidate.Scope) && LanguageOk(candidate.Term.Language))
            {
                (byPack.TryGetValue(pack, out var list) ? list : byPack[pack] = []).Add(candidate);
            }
        }
        foreach (var (packIndex, pattern, start, length, scope) in analysis.PatternHits)
        {
            var pack = Packs[packIndex];
            if (select(pack) && pack.AppliesTo(account) && ((TermPack)pack.Options).ScopeSet.Contains(scope) && LanguageOk(pattern.Language))
            {
                var match = analysis.Body.Substring(start, length);
                var term = new PackTerm(pattern.Language, match, match, match, pattern.Certainty, false);
                (byPack.TryGetValue(pack, out var list) ? list : byPack[pack] = []).Add(new Candidate(packIndex, term, start, length, scope));
            }
        }

        var hits = new List<TermHit>();
        foreach (var (pack, candidates) in byPack)
        {
            candidates.Sort((a, b) =>
            {
                var c = b.Length.CompareTo(a.Length);
                if (c == 0) c = a.Start.CompareTo(b.Start);
                if (c == 0) c = b.Term.Allowed.CompareTo(a.Term.Allowed);
                if (c == 0) c = b.Term.Certainty.CompareTo(a.Term.Certainty);
                if (c == 0) c = string.CompareOrdinal(a.Term.Term, b.Term.Term);
                return c;
            });
            var taken = new List<Candidate>();
            foreach (var candidate in candidates)
            {
                if (!taken.Exists(t => t.Start < candidate.Start + candidate.Length && candidate.Start < t.Start + t.Length))
                {
                    taken.Add(candidate);
                }
            }
            hits.AddRange(taken.Where(t => !t.Term.Allowed)
                .Select(t => new TermHit(pack, t.Term.Term, t.Term.Language, t.Term.Certainty, t.Start, t.Length, t.Scope)));
        }
        hits.Sort((a, b) =>
        {
            var c = a.Start.CompareTo(b.Start);
            if (c == 0) c = b.Length.CompareTo(a.Length);
            if (c == 0) c = string.CompareOrdinal(a.Pack.Rule, b.Pack.Rule);
            return c;
        });
        return hits;
    }

    private struct ScanState(NormalizedText text, IReadOnlyList<Region> regions, PostAnalysis analysis, Entry[] entries, Action<Candidate> add)
    {
        public readonly NormalizedText Text = text;
        public readonly IReadOnlyList<Region> Regions = regions;
        public readonly PostAnalysis Analysis = analysis;
        public readonly Entry[] Entries = entries;
        public readonly Action<Candidate> Add = add;
        public int Region;
    }

    /// <summary>
    /// The packs' terms reduced to stems in one language (its own terms and those of <c>any</c>), one automaton for
    /// packs that keep diacritics and one for packs that fold them, and the compound parts of the language.
    /// </summary>
    private sealed class Reduced
    {
        private readonly string _language;
        private readonly Entry[] _strictEntries;
        private readonly Entry[] _foldedEntries;
        private readonly AhoCorasick? _strict;
        private readonly AhoCorasick? _folded;
        private readonly Compounds? _compounds;

        public Reduced(IReadOnlyList<RulePack> packs, string language, IReadOnlyList<string> compoundWords)
        {
            _language = language;
            var strict = new List<Entry>();
            var folded = new List<Entry>();
            var parts = new List<(int Pack, PackTerm Term)>();
            for (var p = 0; p < packs.Count; p++)
            {
                if (packs[p].Options is not TermPack { Stems: true } termPack)
                {
                    continue;
                }
                var target = termPack.FoldDiacritics ? folded : strict;
                var terms = termPack.Forms.Where(t => (t.Language == language || t.Language == "any") && !t.AsWritten).ToArray();
                var termKeys = terms.Where(t => !t.Allowed && t.Part == CompoundPart.None)
                    .Select(t => Morphology.ReduceTerm(t.Form, language, termPack.FoldDiacritics)).ToHashSet(StringComparer.Ordinal);
                foreach (var term in terms)
                {
                    if (term.Part != CompoundPart.None)
                    {
                        parts.Add((p, term));
                        continue;
                    }
                    var key = Morphology.ReduceTerm(term.Form, language, termPack.FoldDiacritics);
                    if (key.Length == 0 || key.Contains(NormalizedText.Separator) || (term.Allowed && termKeys.Contains(key)))
                    {
                        // Nothing left to match (a mask such as "f***" is matched as written), or an allowed
                        // word whose stem is a term's ("geweldig" → "geweld"): it guards only as written.
                        continue;
                    }
                    target.Add(new Entry(p, term with { Key = key }, false));
                    if (key.Contains(' '))
                    {
                        var joined = Morphology.ReduceTerm(term.Form.Replace(" ", "", StringComparison.Ordinal), language, termPack.FoldDiacritics);
                        target.Add(new Entry(p, term with { Key = joined }, true));
                    }
                }
            }
            _strictEntries = [.. strict];
            _foldedEntries = [.. folded];
            _strict = strict.Count > 0 ? new AhoCorasick(strict.Select(e => e.Term.Key).ToArray()) : null;
            _folded = folded.Count > 0 ? new AhoCorasick(folded.Select(e => e.Term.Key).ToArray()) : null;
            _compounds = parts.Count > 0 ? new Compounds(packs, language, parts, compoundWords) : null;
            TermCount = strict.Count + folded.Count + parts.Count;
        }

        public int TermCount { get; }

        public void Scan(PostAnalysis analysis, List<Candidate> found)
        {
            var words = _compounds is null ? null : new List<ReducedWord>();
            NormalizedText? stems = null;
            if (_strict is not null)
            {
                var text = stems = Morphology.Reduce(analysis.Normalized, _language, false, words, analysis.Regions, out var regions);
                ScanInto(_strict, _strictEntries, text, regions, analysis, found.Add);
            }
            if (_folded is not null || stems is null)
            {
                // Even text without diacritics needs its own folded reduction: normalisation filters add some
                // (Norwegian "faen" is "fæn" to the stemmer).
                var text = Morphology.Reduce(analysis.Normalized, _language, true, stems is null ? words : null, analysis.Regions, out var regions);
                stems ??= text;
                if (_folded is not null)
                {
                    ScanInto(_folded, _foldedEntries, text, regions, analysis, found.Add);
                }
            }
            if (words is not null)
            {
                _compounds!.Scan(analysis, stems, words, found);
            }
        }
    }
}

internal enum UnitKind
{
    Main,
    HashtagJoined,
    HashtagSplit,
}

internal readonly record struct Candidate(int Pack, PackTerm Term, int Start, int Length, Scope Scope);
