using Gateway.Audit;
using Gateway.Posts;

namespace Gateway.Cluster;

/// <summary>
/// Posts left <c>publishing</c> by a node that is gone (a crash, a kill, lost contact): whether they reached the
/// network is unknown, so they are held as unconfirmed, and the network is asked (<see cref="Publishing.DeliveryLookup"/>,
/// by the caller or <see cref="Scheduling.QueueReconciler"/>'s next run). Never sent again.
/// </summary>
public sealed class OrphanedSends(PostStore posts, ClusterNodes nodes, ILogger<OrphanedSends> log)
{
    public async Task<IReadOnlyList<Post>> HoldAsync(CancellationToken cancellationToken)
    {
        var live = await nodes.LiveAsync(cancellationToken);
        var held = new List<Post>();
        foreach (var (id, _, node) in await posts.PublishingAsync(cancellationToken))
        {
            if (node is not null && live.Contains(node))
            {
                continue;
            }
            var change = new PostChange(id, PostStatus.Held, AuditLog.System, "post.held",
                $"The gateway stopped while this post was being published (node {node ?? "unknown"}); whether it reached the network is unknown. Check before releasing it.")
            {
                ExpectedFrom = PostStatus.Publishing,
                Unconfirmed = true,
            };
            if (await posts.ChangeAsync(change, CancellationToken.None) is { } post)
            {
                held.Add(post);
            }
        }
        if (held.Count > 0)
        {
            log.LogWarning("Held {Count} post(s) whose node stopped mid-send: {PostIds}", held.Count, held.Select(p => p.Id));
        }
        return held;
    }
}
