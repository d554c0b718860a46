using Dapper;
using Gateway.Audit;
using Gateway.Notifications;
using Gateway.Posts;
using Gateway.Publishing;
using Gateway.Scheduling;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>
/// The admins' kill switch. A freeze is recorded first (the fence every publish passes reads it), then Quartz is
/// paused and every publish already in flight is cancelled and waited for: when <see cref="FreezeAsync"/>
/// returns, nothing leaves until someone unfreezes.
/// </summary>
public sealed class KillSwitch(
    Database database,
    AuditLog audit,
    PostStore posts,
    PostScheduler scheduler,
    PublishFence fence,
    Notifier notifier,
    TimeProvider time,
    ILogger<KillSwitch> log)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    public async Task<FreezeState> FreezeAsync(string? reason, string actor, CancellationToken cancellationToken)
    {
        reason = ValidReason(reason, "freezing");
        var state = await database.InTransactionAsync(async (c, t) =>
        {
            var current = await FreezeStore.GetAsync(c, t, cancellationToken);
            if (current.Frozen)
            {
                return current; // freezing twice is harmless and keeps the first reason
            }
            var now = time.GetUtcNow();
            await c.ExecuteAsync(
                "INSERT INTO freezes (id, reason, frozen_by, frozen_at) VALUES (@id, @reason, @actor, @now)",
                new { id = Guid.CreateVersion7().ToString("N"), reason, actor, now }, t);
            await audit.AppendAsync(c, t, actor, "freeze", null, new { reason });
            await notifier.EnqueueAsync(c, t, new NotificationEvent("freeze", [], null, null,
                $"FREEZE: {actor} froze the whole queue: {reason}. Nothing is published until an admin unfreezes; do not schedule more."));
            return new FreezeState(true, now, actor, reason);
        }, CancellationToken.None);

        await scheduler.PauseAllAsync(state.Reason!, state.By!, CancellationToken.None);
        try
        {
            var stopped = await fence.DrainAsync(DrainTimeout);
            if (stopped.Count > 0)
            {
                log.LogWarning("Freeze stopped {Count} post(s) in flight: {PostIds}", stopped.Count, stopped);
            }
        }
        catch (TimeoutException)
        {
            // Only a publisher that ignores cancellation gets here; the database fence still holds everything else.
            log.LogCritical("A publish in flight did not stop within {Timeout} of the freeze", DrainTimeout);
        }
        return state;
    }

    /// <summary>Lifts the freeze. Posts that came due meanwhile are held for someone to confirm; later ones resume.</summary>
    public async Task<(FreezeState State, IReadOnlyList<string> Held)> UnfreezeAsync(string? reason, string actor, CancellationToken cancellationToken)
    {
        reason = ValidReason(reason, "unfreezing");
        var held = await database.InTransactionAsync(async (c, t) =>
        {
            var current = await FreezeStore.GetAsync(c, t, cancellationToken);
            if (!current.Frozen)
            {
                throw ProblemException.Conflict("The queue is not frozen.");
            }
            var now = time.GetUtcNow();
            await c.ExecuteAsync(
                "UPDATE freezes SET lifted_at = @now, lifted_by = @actor, lift_reason = @reason WHERE lifted_at IS NULL",
                new { now, actor, reason }, t);
            await audit.AppendAsync(c, t, actor, "unfreeze", null, new { reason, frozenSince = current.Since, frozenBy = current.By });
            await notifier.EnqueueAsync(c, t, new NotificationEvent("unfreeze", [], null, null,
                $"Unfrozen by {actor}: {reason}. Posts that came due during the freeze are held for confirmation."));
            // Quartz would fire these the moment triggers resume; they missed their moment and need a person.
            var due = await c.QueryAsync<string>(
                "SELECT id FROM posts WHERE status = @status AND scheduled_at <= @now",
                new { status = PostTransitions.Name(PostStatus.Scheduled), now }, t);
            var heldIds = new List<string>();
            foreach (var id in due)
            {
                var change = new PostChange(id, PostStatus.Held, actor, "post.held",
                    $"Came due while the queue was frozen ({current.Reason}); reschedule it to confirm it still fits the moment.")
                {
                    ExpectedFrom = PostStatus.Scheduled,
                };
                if (await posts.ChangeAsync(c, t, change, cancellationToken) is not null)
                {
                    heldIds.Add(id);
                }
            }
            return heldIds;
        }, CancellationToken.None);

        foreach (var id in held)
        {
            await scheduler.UnscheduleAsync(id, CancellationToken.None);
        }
        await scheduler.ResumeAllAsync(CancellationToken.None);
        return (FreezeState.Thawed, held);
    }

    private static string ValidReason(string? reason, string what)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            throw ProblemException.BadRequest($"'reason' is required for {what}: the team and the audit log need to know why.");
        }
        return reason.Length <= 500 ? reason : throw ProblemException.BadRequest("'reason' is longer than 500 characters.");
    }
}
