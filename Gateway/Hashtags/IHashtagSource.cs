using Gateway.Accounts;
using Gateway.Rules.Hashtags;

namespace Gateway.Hashtags;

/// <summary>
/// One network's public posts under a hashtag, read through an account's connection (its instance, its session).
/// Calls go through <see cref="Publishing.NetworkCall"/>: the publishers' client, its timeout and private-address guard;
/// failures are <see cref="Publishing.PublishException"/>s (a 429 carries its <c>RetryAfter</c>).
/// </summary>
public interface IHashtagSource
{
    /// <summary>The publisher type whose accounts this source reads through (<c>mastodon</c>, <c>bluesky</c>).</summary>
    string Type { get; }

    /// <summary>Where the account's reads go (its instance or PDS): samples are cached, and 429s obeyed, per origin and tag.</summary>
    string Origin(Account account);

    /// <summary>How messages name it: "Mastodon (mastodon.social)".</summary>
    string Network(Account account);

    /// <summary>The newest posts under <paramref name="tag"/> (no '#') since <paramref name="since"/>, at most <paramref name="limit"/>, texts cut at <paramref name="textLength"/>.</summary>
    Task<IReadOnlyList<SamplePost>> ReadAsync(Account account, string tag, DateTimeOffset since, int limit, int textLength, CancellationToken cancellationToken);
}
