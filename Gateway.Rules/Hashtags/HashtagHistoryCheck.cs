using System.Globalization;
using Gateway.Rules.Packs;
using Gateway.Rules.Text;
using Gateway.Rules.Trends;

namespace Gateway.Rules.Hashtags;

/// <summary>
/// <c>hashtag.history</c>: "look at a hashtag's history before you join it", done by the gateway itself. For every
/// hashtag in a post it reads what people posted under it recently on the account's network and runs the topic packs
/// over that sample; when a sensitive topic (violence, death, politics) carries at least
/// <see cref="HashtagHistoryOptions.Threshold"/> of it, the post needs review, and the evidence shows the shares, the
/// time span and example posts with their links. All tags are read together within
/// <see cref="HashtagHistoryOptions.Budget"/>; a tag not read by then is "not known yet" (info) and is read again at
/// fire time, where a tag that turned since approval holds the post.
/// </summary>
public sealed class HashtagHistoryCheck(IRulePackSource packs, IHashtagSampler sampler, HashtagHistoryOptions options, TimeProvider time) : ICheck
{
    public const string RuleId = "hashtag.history";

    /// <summary>The dashboard page about a tag, which findings link to.</summary>
    public static string PagePath(string tag) => "/hashtags/" + Uri.EscapeDataString(Trend.Key(tag));

    public string Name => "hashtag-history";

    public bool RerunAtFireTime => true;

    public async ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return [];
        }
        // The first place each tag is written: one finding per tag, at a stable span the fire-time gate can compare.
        var tags = new Dictionary<string, TextSegment>(StringComparer.Ordinal);
        foreach (var segment in MarkdownSegmenter.Segment(input.Body).Where(s => s.Scope == Scope.Hashtag))
        {
            var key = Trend.Key(input.Body.Substring(segment.Start, segment.Length));
            if (key.Length > 0)
            {
                tags.TryAdd(key, segment);
            }
        }
        if (tags.Count == 0)
        {
            return [];
        }
        using var timer = new CancellationTokenSource(options.Budget, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        var set = packs.Current;
        var findings = await Task.WhenAll(tags.Select(t => CheckTagAsync(input, t.Key, t.Value, set, budget.Token, cancellationToken)));
        return findings.OfType<Finding>().OrderBy(f => f.Start).ToArray();
    }

    private async Task<Finding?> CheckTagAsync(CheckInput input, string tag, TextSegment at, RulePackSet set, CancellationToken budget, CancellationToken caller)
    {
        var written = input.Body.Substring(at.Start, at.Length);
        HashtagSample? sample;
        try
        {
            sample = await sampler.SampleAsync(input.Account.Id, tag, input.Phase).WaitAsync(budget);
        }
        catch (OperationCanceledException) when (!caller.IsCancellationRequested)
        {
            return NotKnown(tag, at, written, "the account's network", $"it did not answer within the {Seconds(options.Budget)} a check may wait");
        }
        if (sample is null)
        {
            return null; // the account's network has no tag timeline the gateway reads
        }
        if (!sample.Known)
        {
            return NotKnown(tag, at, written, sample.Network, sample.Unknown!);
        }
        var history = Analysis(sample, set);
        if (history.Turned.Count == 0)
        {
            return null;
        }
        var topics = string.Join(" and ", history.Turned.Select(t => $"{t.Topic} ({HashtagHistory.Percent(t.Share)})"));
        var hours = Math.Max(1, (int)Math.Ceiling((input.Now - history.Oldest!.Value).TotalHours));
        var examples = history.Turned.SelectMany(t => t.Examples).DistinctBy(p => p.Url).OrderByDescending(p => p.CreatedAt).Take(options.Examples).ToArray();
        var evidence = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["tag"] = "#" + tag,
            ["network"] = sample.Network,
            ["posts"] = history.Posts.ToString(CultureInfo.InvariantCulture),
            ["span"] = $"{history.Oldest.Value.ToUniversalTime():yyyy-MM-ddTHH:mm:sszzz}/{history.Newest!.Value.ToUniversalTime():yyyy-MM-ddTHH:mm:sszzz}",
            ["shares"] = history.SharesText(),
            ["page"] = PagePath(tag),
        };
        for (var i = 0; i < examples.Length; i++)
        {
            evidence[$"example{i + 1}"] = Quote(examples[i].Text);
            evidence[$"example{i + 1}-url"] = examples[i].Url;
        }
        // No quote here: the message also becomes a held post's reason, the audit log and notifications, which are
        // kept for good; other people's words stay in the evidence, which forgets them (ForgetExamples).
        var message = $"Right now people posting {written} on {sample.Network} write about {topics} of {history.Posts} posts in the last {hours} h; " +
            (examples.Length > 0 ? "example posts are in the evidence and" : "the posts are") + $" on the hashtag page ({PagePath(tag)}). " +
            "Read what the tag is about before the brand joins in; if it does not fit, drop the hashtag.";
        return new Finding(RuleId, Severity.Review, message, at.Start, at.Length, written, evidence);
    }

    // A cached sample serves many posts; the packs run over it once per loaded set, not once per post.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<HashtagSample, Tuple<RulePackSet, HashtagHistory>> _analyses = new();

    private HashtagHistory Analysis(HashtagSample sample, RulePackSet set)
    {
        if (_analyses.TryGetValue(sample, out var known) && ReferenceEquals(known.Item1, set))
        {
            return known.Item2;
        }
        var history = HashtagHistory.Of(set, sample.Posts, options);
        _analyses.AddOrUpdate(sample, Tuple.Create(set, history));
        return history;
    }

    /// <summary>
    /// The finding without its quotes of other people's posts (<c>exampleN</c>, <c>exampleN-url</c>), with
    /// <c>examples</c> saying why they are gone; null when it has none (another rule, or already forgotten).
    /// </summary>
    public static Finding? ForgetExamples(Finding finding, string removed)
    {
        if (finding.Rule != RuleId || finding.Evidence is not { } evidence || !evidence.Keys.Any(IsExample))
        {
            return null;
        }
        var kept = evidence.Where(e => !IsExample(e.Key)).ToDictionary(StringComparer.Ordinal);
        kept["examples"] = removed;
        return finding with { Evidence = kept };
    }

    /// <summary>Text in a stored post's findings that only a finding with quotes contains (a cheap filter in SQL).</summary>
    public const string QuotedMarker = "\"example1\"";

    private static bool IsExample(string key) =>
        key.StartsWith("example", StringComparison.Ordinal) && key.Length > "example".Length && char.IsAsciiDigit(key["example".Length]);

    private static Finding NotKnown(string tag, TextSegment at, string written, string network, string why) =>
        new(RuleId, Severity.Info,
            $"What people post under {written} on {network} is not known yet: {why}. It is read again when the post goes out.",
            at.Start, at.Length, written,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["tag"] = "#" + tag, ["network"] = network, ["reason"] = why, ["page"] = PagePath(tag) });

    private string Quote(string text)
    {
        var flat = string.Join(' ', text.Split((char[])['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return flat.Length <= options.QuoteLength ? flat : SampleText.Cut(flat, options.QuoteLength).TrimEnd() + "…";
    }

    private static string Seconds(TimeSpan span) =>
        span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
