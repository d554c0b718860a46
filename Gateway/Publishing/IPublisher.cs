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

/// <summary>A failed publish; <see cref="Transient"/> ones are worth another try.</summary>
public sealed class PublishException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    public bool Transient { get; } = transient;
}
