using Gateway.Rules.Packs.Kinds;
using Gateway.Rules.Text;

namespace Gateway.Rules.Packs;

/// <summary>
/// One post, read once for all checks: its Markdown segments, the normalised text of its word-checked scopes
/// (with the map back to the body), its hashtags, mentions and URLs, its likely language, and every raw term
/// and pattern hit of every pack.
/// </summary>
public sealed class PostAnalysis
{
    private readonly List<Candidate> _candidates = [];
    private readonly List<(int Pack, PackPattern Pattern, int Start, int Length, Scope Scope)> _patternHits = [];

    internal PostAnalysis(string body, RulePackSet set)
    {
        Body = body;
        _set = set;
        Segments = MarkdownSegmenter.Segment(body);
        Hashtags = Segments.Where(s => s.Scope == Scope.Hashtag).ToArray();
        Mentions = Segments.Where(s => s.Scope == Scope.Mention).ToArray();
        Urls = Segments.Where(s => s.Scope == Scope.Url).ToArray();

        Normalized = Build(false, out var regions, out var proseLength);
        ProseLength = proseLength;
        Regions = regions;
        Language = set.Detector?.Detect(Normalized.Text[..proseLength]);
        set.Scan(Normalized, regions, this, false);
        if (set.HasFolded)
        {
            set.Scan(Build(true, out var foldedRegions, out _), foldedRegions, this, true);
        }
        ScanPatterns(set);
    }

    public string Body { get; }

    /// <summary>Scoped segments of the body, ordered by position.</summary>
    public IReadOnlyList<TextSegment> Segments { get; }

    public IReadOnlyList<TextSegment> Hashtags { get; }
    public IReadOnlyList<TextSegment> Mentions { get; }
    public IReadOnlyList<TextSegment> Urls { get; }

    /// <summary>
    /// The normalised text that is matched: first the word-checked scopes (prose, link text, image alt, HTML text,
    /// <see cref="ProseLength"/> characters), then every hashtag joined and split into words, all separated so that
    /// nothing matches across pieces.
    /// </summary>
    public NormalizedText Normalized { get; }

    public int ProseLength { get; }

    internal IReadOnlyList<Region> Regions { get; }

    public LanguageGuess? Language { get; }

    internal IReadOnlyList<Candidate> Candidates => _candidates;

    internal IReadOnlyList<(int Pack, PackPattern Pattern, int Start, int Length, Scope Scope)> PatternHits => _patternHits;

    internal void AddCandidate(Candidate candidate) => _candidates.Add(candidate);

    private readonly Dictionary<string, List<Candidate>> _reduced = new(StringComparer.Ordinal);
    private RulePackSet? _set;

    /// <summary>
    /// The candidates found in the text reduced to stems in one language, computed when a check first asks for
    /// that language (the account's or the detected one) and kept for the other checks of the run.
    /// </summary>
    internal IReadOnlyList<Candidate> ReducedCandidates(string language)
    {
        lock (_reduced)
        {
            if (!_reduced.TryGetValue(language, out var found))
            {
                _reduced[language] = found = _set!.ScanReduced(this, language);
            }
            return found;
        }
    }

    /// <summary>A match at an original span: its scope, and for a match at the start of a hashtag the whole tag with its '#'.</summary>
    internal Candidate CandidateAt(int pack, PackTerm term, int start, int length, UnitKind kind, bool atRegionStart)
    {
        var scope = kind == UnitKind.Main ? ScopeAt(start) : Scope.Hashtag;
        if (kind != UnitKind.Main && atRegionStart && start > 0 && Body[start - 1] == '#')
        {
            (start, length) = (start - 1, length + 1);
        }
        return new Candidate(pack, term, start, length, scope);
    }

    /// <summary>The kind of unit (prose, joined or split hashtag) a normalised index lies in, and whether it starts it.</summary>
    internal (UnitKind Kind, bool AtStart) UnitAt(int index)
    {
        var region = RegionAt(index);
        return (region.Kind, region.Start == index);
    }

    /// <summary>The scope of the segment containing an offset (prose when none does).</summary>
    public Scope ScopeAt(int offset)
    {
        foreach (var segment in Segments)
        {
            if (segment.Start <= offset && offset < segment.End)
            {
                return segment.Scope;
            }
            if (segment.Start > offset)
            {
                break;
            }
        }
        return Scope.Prose;
    }

    /// <summary>True when [start, start + length) overlaps a URL or code segment.</summary>
    public bool OverlapsScope(int start, int length, params Scope[] scopes) =>
        Segments.Any(s => scopes.Contains(s.Scope) && s.Start < start + length && start < s.End);

    /// <summary>Runs every pack's regexes once over the whole normalised text.</summary>
    private void ScanPatterns(RulePackSet set)
    {
        var text = Normalized;
        for (var p = 0; p < set.Packs.Count; p++)
        {
            foreach (var pattern in (set.Packs[p].Options as TermPack)?.Regexes ?? [])
            {
                foreach (var match in pattern.Regex.EnumerateMatches(text.Text))
                {
                    if (match.Length == 0 || (pattern.Unless is { } unless && unless.IsMatch(Sentence(text.Text, match.Index, match.Length))))
                    {
                        continue;
                    }
                    var (start, length) = text.ToOriginal(match.Index, match.Length);
                    var region = RegionAt(match.Index);
                    var scope = region.Kind == UnitKind.Main ? ScopeAt(start) : Scope.Hashtag;
                    if (region.Kind != UnitKind.Main && match.Index == region.Start && start > 0 && Body[start - 1] == '#')
                    {
                        (start, length) = (start - 1, length + 1);
                    }
                    if (length > 0 && !_patternHits.Exists(h => h.Pack == p && h.Start == start && h.Length == length))
                    {
                        _patternHits.Add((p, pattern, start, length, scope));
                    }
                }
            }
        }
    }

    private static ReadOnlySpan<char> Sentence(string text, int index, int length)
    {
        ReadOnlySpan<char> ends = ['.', '!', '?', '\n', NormalizedText.Separator];
        var start = text.AsSpan(0, index).LastIndexOfAny(ends) + 1;
        var after = text.AsSpan(index + length).IndexOfAny(ends);
        var end = after < 0 ? text.Length : index + length + after;
        return text.AsSpan(start, end - start);
    }

    private Region RegionAt(int index)
    {
        foreach (var region in Regions)
        {
            if (index < region.End)
            {
                return region;
            }
        }
        return Regions[^1];
    }

    private NormalizedText Build(bool folded, out List<Region> regions, out int proseLength)
    {
        var builder = new NormalizedText.Builder(Body, folded);
        regions = [];
        var previousEnd = -1;
        foreach (var segment in Segments)
        {
            if (!segment.IsWordChecked || segment.Scope == Scope.Hashtag)
            {
                builder.AppendSeparator(segment.Start);
                previousEnd = -1;
                continue;
            }
            if (previousEnd >= 0 && segment.Start >= previousEnd)
            {
                // Between two pieces of text only emphasis markup and white space keep a phrase together:
                // "school **shooting**" is still "school shooting"; a paragraph break is not.
                var gap = Body.AsSpan(previousEnd, segment.Start - previousEnd);
                if (gap.ContainsAnyExcept(" \t\r\n*_~") || gap.Count('\n') > 1)
                {
                    builder.AppendSeparator(previousEnd);
                }
                else if (gap.ContainsAny(" \t\r\n"))
                {
                    builder.AppendSpace(previousEnd, segment.Start);
                }
            }
            else if (previousEnd >= 0)
            {
                builder.AppendSeparator(segment.Start);
            }
            builder.Append(segment.Start, segment.End);
            previousEnd = segment.End;
        }
        builder.EndWithSeparator(Body.Length);
        proseLength = builder.Length;
        regions.Add(new Region(0, proseLength, UnitKind.Main));

        foreach (var hashtag in Hashtags)
        {
            var parts = HashtagSplitter.Split(Body, hashtag.Start + 1, hashtag.End);
            var start = builder.Length;
            foreach (var (partStart, partEnd) in parts)
            {
                builder.Append(partStart, partEnd);
            }
            builder.EndWithSeparator(hashtag.End);
            regions.Add(new Region(start, builder.Length, UnitKind.HashtagJoined));
            if (parts.Count > 1)
            {
                start = builder.Length;
                var partEndBefore = -1;
                foreach (var (partStart, partEnd) in parts)
                {
                    if (partEndBefore >= 0)
                    {
                        builder.Put(' ', partEndBefore, partStart);
                    }
                    builder.Append(partStart, partEnd);
                    partEndBefore = partEnd;
                }
                builder.EndWithSeparator(hashtag.End);
                regions.Add(new Region(start, builder.Length, UnitKind.HashtagSplit));
            }
        }
        return builder.Build();
    }
}

/// <summary>A stretch [Start, End) of the normalised text and what it is.</summary>
internal readonly record struct Region(int Start, int End, UnitKind Kind);
