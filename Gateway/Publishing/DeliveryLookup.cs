using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Posts;

namespace Gateway.Publishing;

/// <summary>
/// Settles a post held as unconfirmed (its send was interrupted: a crash, a shutdown, a freeze mid-send) by asking its
/// network whether it arrived, where the publisher can (<see cref="IPublishLookup"/>): published with the network's
/// reference if it did, held as certainly unsent if it did not, left unconfirmed if the network cannot tell now
/// (asked again by <see cref="Scheduling.QueueReconciler"/>). It never sends to find out.
/// </summary>
public sealed class DeliveryLookup(PostStore posts, AccountStore accounts, IEnumerable<IPublisher> publishers, GatewayOptions options, TimeProvider time,
    ILogger<DeliveryLookup> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The post as it stands afterwards.</summary>
    public async Task<Post> SettleAsync(Post post, CancellationToken cancellationToken)
    {
        if (post is not { Status: PostStatus.Held, Unconfirmed: true }
            || await accounts.GetAsync(post.Account, cancellationToken) is not { } account
            || publishers.FirstOrDefault(p => p.Type == account.Publisher.Type) is not IPublishLookup lookup)
        {
            return post;
        }
        Delivery? delivery;
        try
        {
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(Timeout);
            delivery = await lookup.FindAsync(post, account, budget.Token);
        }
        catch (Exception e) when (e is PublishException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            log.LogWarning(e, "Could not ask {Publisher} whether it has post {PostId}; it stays unconfirmed", account.Publisher.Type, post.Id);
            return post;
        }
        if (delivery is null && lookup.MayStillArrive && time.GetUtcNow() < post.UpdatedAt + options.Publishing.SettleWindow)
        {
            // The interrupted request may still be finishing on the network; "not yet" is not "never".
            log.LogInformation("{Publisher} does not have post {PostId} yet; it stays unconfirmed until {Until:O} and is asked again",
                account.Publisher.Type, post.Id, post.UpdatedAt + options.Publishing.SettleWindow);
            return post;
        }
        var change = delivery is null
            ? new PostChange(post.Id, PostStatus.Held, AuditLog.System, "post.unsent",
                $"Not sent: {account.Publisher.Type} confirms it never received this post after its send was interrupted. Reschedule it to send it.")
            : new PostChange(post.Id, PostStatus.Published, AuditLog.System, "post.published",
                $"Confirmed by {account.Publisher.Type}: it had arrived before its send was interrupted.")
            {
                PublishedAt = delivery.At ?? time.GetUtcNow(),
                PublishRef = delivery.Reference,
                PublishUrl = delivery.Url,
            };
        var settled = await posts.ChangeAsync(change with { ExpectedFrom = PostStatus.Held }, CancellationToken.None);
        log.LogInformation("Post {PostId} was unconfirmed; {Publisher} says {Answer}", post.Id, account.Publisher.Type, delivery is null ? "not received" : $"received as {delivery.Reference}");
        return settled ?? post;
    }
}
