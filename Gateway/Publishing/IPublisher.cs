using Gateway.Accounts;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>Sends a post to its network. One implementation per <see cref="PublisherSettings.Type"/>.</summary>
public interface IPublisher
{
    string Type { get; }

    /// <summary>
    /// Publishes once, observing <paramref name="cancellationToken"/> up to the moment of the side effect: it is
    /// cancelled when a freeze lands. Returns the network's reference for the post. Throws
    /// <see cref="PublishException"/> for failures; retries are the caller's business.
    /// </summary>
    Task<string> PublishAsync(Post post, Account account, DateTimeOffset publishedAt, CancellationToken cancellationToken);
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
}

/// <summary>A post as its network has it: its reference there and, where the network says, when it arrived.</summary>
public sealed record Delivery(string Reference, DateTimeOffset? At);

/// <summary>A failed publish; <see cref="Transient"/> ones are worth another try.</summary>
public sealed class PublishException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
