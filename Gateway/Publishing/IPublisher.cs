using Gateway.Accounts;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>Sends a post to its network. One implementation per <see cref="PublisherSettings.Type"/>.</summary>
public interface IPublisher
{
    string Type { get; }

    /// <summary>
    /// Whether the network drops a repeated send of the same post (an idempotency key, a record key derived from the
    /// post): only then is a send that may have arrived tried again. Otherwise such a post is held as unconfirmed.
    /// </summary>
    bool Deduplicates { get; }

    /// <summary>
    /// Publishes once, observing <paramref name="cancellationToken"/> up to the moment of the side effect: it is
    /// cancelled when a freeze lands. Returns where the network has the post. Throws <see cref="PublishException"/>
    /// for failures; retries are the caller's business.
    /// </summary>
    Task<Delivery> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken);
}

/// <summary>
/// Optional, for publishers whose network can say whether it already has a post (by an id or key derived from the
/// post): an interrupted send is then settled by asking, never by sending again to find out.
/// </summary>
public interface IPublishLookup
{
    /// <summary>
    /// What the network has of <paramref name="post"/>, null when it certainly does not have it. Throws
    /// <see cref="PublishException"/> when it cannot tell now (unreachable, rate-limited).
    /// </summary>
    Task<Delivery?> FindAsync(Post post, Account account, CancellationToken cancellationToken);

    /// <summary>
    /// Whether a request the network already received may still be acted on after the gateway stopped waiting (a web
    /// server finishes a request its client left): then "not found" is final only after
    /// <see cref="PublishingOptions.SettleWindow"/>.
    /// </summary>
    bool MayStillArrive => true;
}

/// <summary>
/// Optional, for publishers with a connection to test: asks the network whom the account's credentials belong to
/// and answers it as people write it (<c>@acme@mastodon.social</c>). Throws <see cref="PublishException"/> saying
/// what is wrong.
/// </summary>
public interface IConnectionCheck
{
    Task<string> VerifyAsync(Account account, CancellationToken cancellationToken);
}

/// <summary>
/// A post as its network has it: its id there, its public address where there is one, and, where the network says,
/// when it arrived.
/// </summary>
public sealed record Delivery(string Reference, string? Url = null, DateTimeOffset? At = null);

/// <summary>What went wrong with a send, which decides what happens to the post next.</summary>
public enum PublishFailure
{
    /// <summary>Certainly not received (no connection was made, the network refused before taking it): try again.</summary>
    Transient,

    /// <summary>May have been received (a timeout, a dropped connection, a 5xx): tried again only where the network deduplicates.</summary>
    Uncertain,

    /// <summary>Not received, the network asks to wait (<see cref="PublishException.RetryAfter"/>).</summary>
    RateLimited,

    /// <summary>The network refused the credentials (401/403): the account needs reconnecting.</summary>
    Unauthorized,

    /// <summary>The network refused the post itself (a validation error): the message quotes it.</summary>
    Rejected,
}

/// <summary>A failed publish, classified by <see cref="Failure"/>.</summary>
public sealed class PublishException(string message, PublishFailure failure, Exception? inner = null) : Exception(message, inner)
{
    public PublishFailure Failure { get; } = failure;

    /// <summary>How long the network asked to wait (429 <c>Retry-After</c>), when it said.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// The network's HTTP status, when it answered: a 401 (the token expired) is worth a renewal, a 403 (not allowed) is not.
    /// </summary>
    public System.Net.HttpStatusCode? Status { get; init; }

    /// <summary>
    /// The network's own name for the error, when its body gives one (atproto's <c>ExpiredToken</c>, OAuth's
    /// <c>invalid_grant</c>): a publisher tells apart answers that share a status code by it.
    /// </summary>
    public string? Code { get; init; }
}
