using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Packs.Kinds;

namespace Gateway.Rules.Hashtags;

/// <summary>How many sampled posts touch one topic pack, and the first of them (newest first) to quote.</summary>
public sealed record TopicShare(string Topic, int Posts, double Share, bool Sensitive, IReadOnlyList<SamplePost> Examples);

/// <summary>
/// What a sample says about a tag: every topic its posts touch, by share (largest first), and the time it spans.
/// <see cref="Turned"/> lists the sensitive topics at or above the threshold.
/// </summary>
public sealed record HashtagHistory(int Posts, DateTimeOffset? Oldest, DateTimeOffset? Newest, IReadOnlyList<TopicShare> Topics, IReadOnlyList<TopicShare> Turned)
{
    /// <summary>
    /// Runs the loaded <c>topic.*</c> packs over each post in its own language (every language when the network did not
    /// say or the packs do not know it), as for a brand account, and counts a post once per topic it touches with a
    /// term of at least <see cref="HashtagHistoryOptions.MinCertainty"/>.
    /// </summary>
    public static HashtagHistory Of(RulePackSet set, IReadOnlyList<SamplePost> posts, HashtagHistoryOptions options)
    {
        bool Topic(RulePack p) => p.Options is TermPack && p.Rule.StartsWith(SensitiveTopicCheck.RulePrefix, StringComparison.Ordinal);
        var byTopic = new Dictionary<string, List<SamplePost>>(StringComparer.Ordinal);
        foreach (var post in posts.OrderByDescending(p => p.CreatedAt))
        {
            // An unknown language is no language the packs know, so Hits reads every language.
            var reader = new AccountProfile("hashtag-sample", "any", "brand", post.Language ?? "und");
            var topics = set.Hits(set.Analyze(post.Text), reader, Topic)
                .Where(h => h.Certainty >= options.MinCertainty)
                .Select(h => h.Pack.Rule[SensitiveTopicCheck.RulePrefix.Length..])
                .Distinct(StringComparer.Ordinal);
            foreach (var topic in topics)
            {
                (byTopic.TryGetValue(topic, out var list) ? list : byTopic[topic] = []).Add(post);
            }
        }
        var shares = byTopic
            .Select(t => new TopicShare(t.Key, t.Value.Count, (double)t.Value.Count / posts.Count,
                options.IsSensitive(t.Key), t.Value.Take(options.Examples).ToArray()))
            .OrderByDescending(t => t.Posts).ThenBy(t => t.Topic, StringComparer.Ordinal)
            .ToArray();
        var turned = posts.Count < options.MinPosts ? [] : shares.Where(t => t.Sensitive && t.Share >= options.Threshold).ToArray();
        return new HashtagHistory(posts.Count,
            posts.Count == 0 ? null : posts.Min(p => p.CreatedAt),
            posts.Count == 0 ? null : posts.Max(p => p.CreatedAt),
            shares, turned);
    }

    /// <summary>"violence 62% (25 of 40), politics 10% (4 of 40)".</summary>
    public string SharesText() =>
        Topics.Count == 0 ? "none" : string.Join(", ", Topics.Select(t => $"{t.Topic} {Percent(t.Share)} ({t.Posts} of {Posts})"));

    public static string Percent(double share) => Math.Round(share * 100).ToString(System.Globalization.CultureInfo.InvariantCulture) + "%";
}
