using Gateway.Posts;
using Gateway.Publishing;
using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// Brings the queue back in line with the database, as a Quartz job of its own: its first run comes after Quartz's
/// start-up recovery (which removes the spent triggers of jobs a crash interrupted, so any earlier look would still
/// see them), then every minute. Every post that should wait in Quartz gets a trigger if it has none; the fire-time
/// gate then decides as always (a late one is held). Sends a stopped node left publishing are held, and every
/// unconfirmed send is settled by asking its network.
/// Nothing here publishes; nothing pauses it (it is not in the posts group a freeze pauses).
/// </summary>
[DisallowConcurrentExecution]
public sealed class QueueReconciler(PostStore posts, PostScheduler scheduler, DeliveryLookup deliveries, Cluster.OrphanedSends orphans, ILogger<QueueReconciler> log) : IJob
{
    public static readonly JobKey Key = new("reconcile", "maintenance");
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => new(RunAsync(cancellationToken));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await orphans.HoldAsync(cancellationToken);
        foreach (var post in await posts.UnconfirmedAsync(cancellationToken))
        {
            await deliveries.SettleAsync(post, cancellationToken);
        }

        // Triggers first: a post scheduled after this read is found with its trigger by RestoreAsync, which never moves one.
        var triggered = await scheduler.ScheduledPostIdsAsync(cancellationToken);
        var restored = new List<string>();
        foreach (var post in await posts.WaitingAsync(cancellationToken))
        {
            if (!triggered.Contains(post.Id) && await scheduler.RestoreAsync(post, cancellationToken))
            {
                restored.Add(post.Id);
            }
        }
        if (restored.Count > 0)
        {
            log.LogWarning("Restored {Count} missing trigger(s) from the database, among them {PostIds}", restored.Count, restored.Take(20));
        }
    }
}
