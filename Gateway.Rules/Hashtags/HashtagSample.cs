namespace Gateway.Rules.Hashtags;

/// <summary>
/// One public post read under a hashtag, trimmed to what the analysis and the evidence need: its text (plain, cut at
/// <see cref="HashtagHistoryOptions.TextLength"/>), its language as the network says it (null: unknown), its public
/// address and when it was written. No author, no media, no counts.
/// </summary>
public sealed record SamplePost(string Text, string? Language, string Url, DateTimeOffset CreatedAt);

/// <summary>
/// What one network said about a tag at <see cref="ReadAt"/>: the recent posts under it, or why it could not say
/// (<see cref="Unknown"/>: rate-limited, refused, unreachable). <see cref="Network"/> names the network and instance as
/// messages do: "Mastodon (mastodon.social)".
/// </summary>
public sealed record HashtagSample(string Tag, string Network, IReadOnlyList<SamplePost> Posts, DateTimeOffset ReadAt, string? Unknown = null)
{
    public bool Known => Unknown is null;
}

/// <summary>
/// Reads recent public posts under a hashtag from the network an account is connected to. The host supplies it
/// (cache, politeness, the address guard); the check only bounds how long it waits.
/// </summary>
public interface IHashtagSampler
{
    /// <summary>
    /// The sample for <paramref name="tag"/> (no '#') as the account's network sees it, or null when that network has
    /// no tag timeline the gateway reads (outbox, webhook, LinkedIn, X). <paramref name="phase"/> is
    /// <see cref="CheckPhase.FireTime"/> when a cached answer is too old to trust. Not cancelled by a caller that stops
    /// waiting: a read that outlives the check's budget still fills the cache for the next look.
    /// </summary>
    Task<HashtagSample?> SampleAsync(string accountId, string tag, CheckPhase phase);
}
