namespace Gateway.Rules.Hashtags;

/// <summary>
/// <c>Gateway:HashtagHistory:*</c>: how much of a hashtag's recent history is read, how long the check waits for it,
/// and when what people post under it is sensitive enough to need a second opinion.
/// </summary>
public sealed record HashtagHistoryOptions
{
    /// <summary>False for offline use: the check reads nothing and finds nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>How long a submit (or the fire-time gate) waits for all of a post's tags together; after it, "not known yet".</summary>
    public TimeSpan Budget { get; init; } = TimeSpan.FromSeconds(1.5);

    /// <summary>How far back the sample reaches.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(24);

    /// <summary>At most this many posts per tag and network (Mastodon's page maximum is 40).</summary>
    public int MaxPosts { get; init; } = 40;

    /// <summary>How long a sample is reused at submit and on the hashtag page (never at fire time).</summary>
    public TimeSpan CacheFor { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The share of sampled posts about one sensitive topic from which the post needs review (0.2: a fifth).</summary>
    public double Threshold { get; init; } = 0.2;

    /// <summary>Fewer posts than this say nothing about a tag: one post about a shooting under a quiet tag is no trend.</summary>
    public int MinPosts { get; init; } = 5;

    /// <summary>
    /// The topic packs (rule ids without <c>topic.</c>) whose share can make a tag sensitive, comma-separated (one string,
    /// so that configuring it replaces the default instead of adding to it).
    /// </summary>
    public string SensitiveTopics { get; init; } = "violence,death-tragedy,politics";

    public bool IsSensitive(string topic) =>
        SensitiveTopics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Contains(topic, StringComparer.OrdinalIgnoreCase);

    /// <summary>A post counts for a topic when a term of at least this certainty hits (2: "gun", not "shot").</summary>
    public int MinCertainty { get; init; } = 2;

    /// <summary>How many example posts the evidence quotes.</summary>
    public int Examples { get; init; } = 3;

    /// <summary>Characters kept of a sampled post's text; quotes in evidence are cut shorter (<see cref="QuoteLength"/>).</summary>
    public int TextLength { get; init; } = 500;

    public int QuoteLength { get; init; } = 160;

    /// <summary>
    /// How long a post that is done with (published, cancelled, expired, rejected, failed) keeps the quotes in its
    /// evidence; then the gateway's sweep removes them and says so in their place.
    /// </summary>
    public TimeSpan KeepQuotesFor { get; init; } = TimeSpan.FromDays(30);
}
