using System.Text.RegularExpressions;
using Gateway.Rules.Text;
using Gateway.Rules.Trends;

namespace Gateway.Rules.Checks;

/// <summary>
/// <c>hashtag.context</c>: "check the history of a hashtag before joining it". A post that uses a hashtag with a
/// known context — or, for tragedies and disasters, names one of its keywords — gets a finding that quotes the
/// context to the reviewer (DiGiorno's #WhyIStayed, Celeb Boutique's #Aurora). Runs again at fire time: trends move.
/// </summary>
public sealed class HashtagContextCheck(ITrendSource trends) : ICheck
{
    public const string RuleId = "hashtag.context";

    private static readonly string[] KeywordSensitivities = ["tragedy", "disaster"];

    public string Name => "hashtag-context";

    public bool RerunAtFireTime => true;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var active = trends.Current.Where(t => t.ActiveAt(input.Now)).GroupBy(t => t.Tag).ToDictionary(g => g.Key, g => g.First());
        if (active.Count == 0)
        {
            return ValueTask.FromResult<IReadOnlyList<Finding>>([]);
        }
        var segments = MarkdownSegmenter.Segment(input.Body);
        var findings = new List<Finding>();
        foreach (var hashtag in segments.Where(s => s.Scope == Scope.Hashtag))
        {
            var text = input.Body.Substring(hashtag.Start, hashtag.Length);
            if (active.TryGetValue(Trend.Key(text), out var trend))
            {
                findings.Add(Make(trend, hashtag.Start, hashtag.Length, text,
                    $"{text} is {(trend.Source == "registry" ? "known" : "trending")} for {trend.Sensitivity}: \"{trend.Context}\". " +
                    "Read what people mean by it before the brand joins in; if it does not fit, drop the hashtag."));
            }
        }
        var language = LanguageDetector.Normalize(input.Account.Language);
        var stems = Morphology.Knows(language) ? new List<(NormalizedText Text, TextSegment Segment)>() : null;
        foreach (var trend in active.Values.Where(t => t.Keywords.Count > 0 && KeywordSensitivities.Contains(t.Sensitivity)))
        {
            var pattern = Keywords.GetValue(trend, Compile);
            var spans = new List<(int Start, int Length, string Match)>();
            foreach (var segment in segments.Where(s => s.IsWordChecked && s.Scope != Scope.Hashtag))
            {
                foreach (Match match in pattern.Matches(input.Body.Substring(segment.Start, segment.Length)))
                {
                    spans.Add((segment.Start + match.Index, match.Length, match.Value));
                }
            }
            if (stems is not null)
            {
                // The keyword inflected ("shootings" for "shooting"), in the account's language: text and keyword
                // reduced the same way as pack terms; a span the keyword matched as written is not reported twice.
                if (stems.Count == 0)
                {
                    foreach (var segment in segments.Where(s => s.IsWordChecked && s.Scope != Scope.Hashtag))
                    {
                        var text = NormalizedText.Of(input.Body.Substring(segment.Start, segment.Length), true);
                        stems.Add((Morphology.Reduce(text, language, true, null, null, out _), segment));
                    }
                }
                foreach (var keyword in trend.Keywords)
                {
                    var key = Morphology.ReduceTerm(keyword, language, true);
                    foreach (var (text, segment) in stems)
                    {
                        for (var at = text.Text.IndexOf(key, StringComparison.Ordinal); key.Length > 0 && at >= 0; at = text.Text.IndexOf(key, at + 1, StringComparison.Ordinal))
                        {
                            if ((at > 0 && WordChars.IsWordChar(text.Text, at - 1)) || (at + key.Length < text.Text.Length && WordChars.IsWordChar(text.Text, at + key.Length)))
                            {
                                continue;
                            }
                            var (start, length) = text.ToOriginal(at, key.Length);
                            start += segment.Start;
                            if (!spans.Exists(x => x.Start < start + length && start < x.Start + x.Length))
                            {
                                spans.Add((start, length, input.Body.Substring(start, length)));
                            }
                        }
                    }
                }
            }
            foreach (var (start, length, match) in spans.OrderBy(x => x.Start))
            {
                findings.Add(Make(trend, start, length, match,
                    $"\"{match}\" is in the news for a {trend.Sensitivity} (#{trend.Tag}: \"{trend.Context}\"). " +
                    "Make sure the post cannot be read as riding on it."));
            }
        }
        return ValueTask.FromResult<IReadOnlyList<Finding>>(findings);
    }

    // Per trend, built once. The keywords are escaped literals, so the lookarounds (word boundaries that
    // NonBacktracking cannot express) cannot backtrack badly; the timeout is the belt to those braces.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Trend, Regex> Keywords = new();

    private static Regex Compile(Trend trend) =>
        new(@"(?<![\p{L}\p{N}_])(" + string.Join("|", trend.Keywords.Select(Regex.Escape)) + @")(?![\p{L}\p{N}_])",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private Finding Make(Trend trend, int start, int length, string match, string message)
    {
        var evidence = new Dictionary<string, string>
        {
            ["tag"] = "#" + trend.Tag,
            ["context"] = trend.Context,
            ["sensitivity"] = trend.Sensitivity,
            ["source"] = trend.Source,
        };
        if (trend.ExpiresAt is { } expires)
        {
            evidence["expiresAt"] = expires.ToString("O");
        }
        var severity = trends.Sensitivities.TryGetValue(trend.Sensitivity, out var s) ? s : Severity.Review;
        return new Finding(RuleId, severity, message, start, length, match, evidence);
    }
}
