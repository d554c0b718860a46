using Gateway.Rules.Text;

namespace Gateway.Rules;

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
        Segments = MarkdownSegmenter.Segment(body);
        Hashtags = Segments.Where(s => s.Scope == Scope.Hashtag).ToArray();
        Mentions = Segments.Where(s => s.Scope == Scope.Mention).ToArray();
        Urls = Segments.Where(s => s.Scope == Scope.Url).ToArray();

        Prose = BuildMain(false);
        Language = set.Detector?.Detect(Prose.Text);
        Scan(set, Prose, UnitKind.Main, null, false);
        if (set.HasFolded)
        {
            Scan(set, BuildMain(true), UnitKind.Main, null, true);
        }
        foreach (var hashtag in Hashtags)
        {
            var parts = HashtagSplitter.Split(body, hashtag.Start + 1, hashtag.End);
            foreach (var folded in set.HasFolded ? [false, true] : new[] { false })
            {
                var joined = new NormalizedText.Builder(body, folded);
                foreach (var (start, end) in parts)
                {
                    joined.Append(start, end);
                }
                Scan(set, joined.Build(), UnitKind.HashtagJoined, Scope.Hashtag, folded);
                if (parts.Count > 1)
                {
                    var split = new NormalizedText.Builder(body, folded);
                    var previousEnd = -1;
                    foreach (var (start, end) in parts)
                    {
                        if (previousEnd >= 0)
                        {
                            split.Put(' ', previousEnd, start);
                        }
                        split.Append(start, end);
                        previousEnd = end;
                    }
                    Scan(set, split.Build(), UnitKind.HashtagSplit, Scope.Hashtag, folded);
                }
            }
        }
    }

    public string Body { get; }

    /// <summary>Scoped segments of the body, ordered by position.</summary>
    public IReadOnlyList<TextSegment> Segments { get; }

    public IReadOnlyList<TextSegment> Hashtags { get; }
    public IReadOnlyList<TextSegment> Mentions { get; }
    public IReadOnlyList<TextSegment> Urls { get; }

    /// <summary>The word-checked text (prose, link text, image alt, HTML text), normalised; scopes never run together.</summary>
    public NormalizedText Prose { get; }

    public LanguageGuess? Language { get; }

    internal IReadOnlyList<Candidate> Candidates => _candidates;

    internal IReadOnlyList<(int Pack, PackPattern Pattern, int Start, int Length, Scope Scope)> PatternHits => _patternHits;

    internal void AddCandidate(Candidate candidate) => _candidates.Add(candidate);

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

    private void Scan(RulePackSet set, NormalizedText text, UnitKind kind, Scope? scope, bool folded)
    {
        set.Scan(text, kind, scope, this, folded);
        if (folded)
        {
            return;
        }
        for (var p = 0; p < set.Packs.Count; p++)
        {
            foreach (var pattern in set.Packs[p].Patterns)
            {
                foreach (var match in pattern.Regex.EnumerateMatches(text.Text))
                {
                    if (match.Length == 0)
                    {
                        continue;
                    }
                    var (start, length) = text.ToOriginal(match.Index, match.Length);
                    if (length > 0 && !_patternHits.Exists(h => h.Pack == p && h.Start == start && h.Length == length))
                    {
                        _patternHits.Add((p, pattern, start, length, scope ?? ScopeAt(start)));
                    }
                }
            }
        }
    }

    private NormalizedText BuildMain(bool folded)
    {
        var builder = new NormalizedText.Builder(Body, folded);
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
                // "school **shooting**" is still "school shooting"; a line break between paragraphs is not.
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
        return builder.Build();
    }
}
