using Dapper;
using Gateway.Audit;
using Gateway.Cluster;
using Gateway.Notifications;
using Gateway.Posts;
using Gateway.Publishing;
using Gateway.Scheduling;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>
/// The admins' kill switch, for the whole queue or a set of accounts. A freeze is one committed row: the fire-time
/// gate and the publish fence read it on every node, so from the commit on nothing it covers starts publishing, and
/// a trigger that comes due during it holds its post at its time. What was already being sent, on any node, is
/// cancelled (the nodes hear of the freeze at once) and waited for: when <see cref="FreezeAsync"/> returns, nothing
/// it covers is <c>publishing</c> anywhere. Approved crisis statements are the one exception. Quartz is not touched.
/// </summary>
public sealed class KillSwitch(
    Database database,
    AuditLog audit,
    PostStore posts,
    PublishFence fence,
    ClusterNodes nodes,
    Notifier notifier,
    TimeProvider time,
    ILogger<KillSwitch> log)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>Freezes <paramref name="accounts"/>, or everything when there are none.</summary>
    public async Task<Freeze> FreezeAsync(string? reason, IReadOnlyList<string>? accounts, string actor, CancellationToken cancellationToken, string? rule = null)
    {
        reason = ValidReason(reason, "freezing");
        var scope = (accounts ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct().Order().ToArray();
        var freeze = await database.InTransactionAsync(async (c, t) =>
        {
            await FreezeStore.LockAsync(c, t, database.Dialect, CancellationToken.None);
            var unknown = scope.Except(await c.QueryAsync<string>($"SELECT id FROM accounts WHERE {database.Dialect.AnyOf("id", "scope")}", new { scope }, t)).ToArray();
            if (unknown.Length > 0)
            {
                throw ProblemException.BadRequest($"Unknown account(s): {string.Join(", ", unknown)}.");
            }
            var active = await FreezeStore.ActiveAsync(c, t, CancellationToken.None);
            if (scope.Length == 0 && active.FirstOrDefault(f => f.Global) is { } existing)
            {
                return existing; // freezing everything twice is harmless and keeps the first reason
            }
            var created = new Freeze(Guid.CreateVersion7().ToString("N"), scope, time.GetUtcNow(), actor, reason, rule);
            await FreezeStore.CreateAsync(c, t, created);
            await audit.AppendAsync(c, t, actor, "freeze", created.Id, new { reason, accounts = scope, rule });
            var what = created.Global ? "the whole queue" : string.Join(", ", scope);
            await notifier.EnqueueAsync(c, t, new NotificationEvent("freeze", [], null, null,
                $"FREEZE: {actor} froze {what}: {reason}. Nothing there is published until an admin unfreezes; do not schedule more."));
            await database.Dialect.AnnounceAsync(c, t, Channel.Freeze, created.Id, CancellationToken.None);
            return created;
        }, CancellationToken.None);

        // The other nodes stop theirs when they hear the announcement; this one stops its own without waiting for it.
        var stopped = await fence.StopAsync(freeze.Covers);
        if (stopped.Count > 0)
        {
            log.LogWarning("Freeze {FreezeId} stopped {Count} post(s) in flight here: {PostIds}", freeze.Id, stopped.Count, stopped);
        }
        await DrainAsync(freeze);
        return freeze;
    }

    /// <summary>Waits until no post the freeze covers is being sent by a live node. A node that died mid-send is the others' to settle.</summary>
    private async Task DrainAsync(Freeze freeze)
    {
        var deadline = time.GetUtcNow() + DrainTimeout;
        while (true)
        {
            var live = await nodes.LiveAsync(CancellationToken.None);
            var sending = (await posts.PublishingAsync(CancellationToken.None))
                .Where(p => freeze.Covers(p.Account) && p.Node is not null && live.Contains(p.Node))
                .Select(p => p.Id).ToArray();
            if (sending.Length == 0)
            {
                return;
            }
            if (time.GetUtcNow() >= deadline)
            {
                // Only a publisher that ignores cancellation gets here; the database fence still holds everything else.
                log.LogCritical("Post(s) {PostIds} were still being sent {Timeout} after freeze {FreezeId}", sending, DrainTimeout, freeze.Id);
                return;
            }
            await Task.Delay(DrainPoll, time);
        }
    }

    /// <summary>
    /// Lifts one freeze (the global one when <paramref name="freezeId"/> is null). The posts that came due during it
    /// were held at their time and stay held for someone to confirm; later ones go out at theirs. Other freezes stay.
    /// Returns the posts held for it.
    /// </summary>
    public async Task<(Freeze Lifted, IReadOnlyList<string> Held)> UnfreezeAsync(string? freezeId, string? reason, string actor, CancellationToken cancellationToken)
    {
        reason = ValidReason(reason, "unfreezing");
        var lifted = await database.InTransactionAsync(async (c, t) =>
        {
            await FreezeStore.LockAsync(c, t, database.Dialect, CancellationToken.None);
            var active = await FreezeStore.ActiveAsync(c, t, cancellationToken);
            var freeze = freezeId is null
                ? active.FirstOrDefault(f => f.Global) ?? throw ProblemException.Conflict(active.Count == 0
                    ? "Nothing is frozen."
                    : "The whole queue is not frozen; name the scoped freeze to lift (GET /api/freeze lists them).")
                : active.FirstOrDefault(f => f.Id == freezeId) ?? throw ProblemException.NotFound($"No active freeze with id '{freezeId}'.");
            await FreezeStore.LiftAsync(c, t, freeze.Id, time.GetUtcNow(), actor, reason);
            await audit.AppendAsync(c, t, actor, "unfreeze", freeze.Id, new { reason, frozenSince = freeze.Since, frozenBy = freeze.By, accounts = freeze.Accounts });
            await notifier.EnqueueAsync(c, t, new NotificationEvent("unfreeze", [], null, null,
                $"Unfrozen by {actor} ({(freeze.Global ? "the whole queue" : string.Join(", ", freeze.Accounts))}): {reason}. Posts that came due during the freeze are held for confirmation."));
            return freeze;
        }, CancellationToken.None);
        return (lifted, await posts.HeldForAsync(lifted.Id, CancellationToken.None));
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
