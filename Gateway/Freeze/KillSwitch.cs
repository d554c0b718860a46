using Dapper;
using Gateway.Audit;
using Gateway.Notifications;
using Gateway.Posts;
using Gateway.Publishing;
using Gateway.Scheduling;
using Gateway.Storage;
using Polly;
using Polly.Retry;

namespace Gateway.Freeze;

/// <summary>
/// The admins' kill switch, for the whole queue or a set of accounts. A freeze is recorded first (the fence every
/// publish passes reads it), then every publish in flight that the freeze covers is cancelled and waited for, then
/// Quartz is paused (global freeze): when <see cref="FreezeAsync"/> returns, nothing it covers leaves until an
/// admin unfreezes. Approved crisis statements are the one exception.
/// </summary>
public sealed class KillSwitch(
    Database database,
    AuditLog audit,
    PostStore posts,
    FreezeStore freezes,
    PostScheduler scheduler,
    PublishFence fence,
    Notifier notifier,
    TimeProvider time,
    ILogger<KillSwitch> log)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(30);

    // Quartz follows the recorded freezes, not the call that changed them: a freeze and an unfreeze may overlap,
    // and whichever syncs last reads the latest record, so the posts group ends paused exactly while a global
    // freeze is active. Syncs take turns; recording a freeze, the fence itself, never waits for one.
    private readonly SemaphoreSlim _syncing = new(1, 1);

    /// <summary>Freezes <paramref name="accounts"/>, or everything when there are none.</summary>
    public async Task<Freeze> FreezeAsync(string? reason, IReadOnlyList<string>? accounts, string actor, CancellationToken cancellationToken, string? rule = null)
    {
        reason = ValidReason(reason, "freezing");
        var scope = (accounts ?? []).Select(a => a.Trim()).Where(a => a.Length > 0).Distinct().Order().ToArray();
        var freeze = await database.InTransactionAsync(async (c, t) =>
        {
            var unknown = scope.Except(await c.QueryAsync<string>("SELECT id FROM accounts WHERE id IN @scope", new { scope }, t)).ToArray();
            if (unknown.Length > 0)
            {
                throw ProblemException.BadRequest($"Unknown account(s): {string.Join(", ", unknown)}.");
            }
            var active = await FreezeStore.ActiveAsync(c, t, cancellationToken);
            if (scope.Length == 0 && active.FirstOrDefault(f => f.Global) is { } existing)
            {
                return existing; // freezing everything twice is harmless and keeps the first reason
            }
            var created = new Freeze(Guid.CreateVersion7().ToString("N"), scope, time.GetUtcNow(), actor, reason, rule);
            await c.ExecuteAsync(
                "INSERT INTO freezes (id, reason, frozen_by, frozen_at, scope, rule) VALUES (@Id, @Reason, @By, @Since, @Scope, @Rule)", created, t);
            await c.ExecuteAsync(
                "INSERT INTO freeze_accounts (freeze_id, account_id) VALUES (@id, @account)", scope.Select(account => new { id = created.Id, account }), t);
            await audit.AppendAsync(c, t, actor, "freeze", created.Id, new { reason, accounts = scope, rule });
            var what = created.Global ? "the whole queue" : string.Join(", ", scope);
            await notifier.EnqueueAsync(c, t, new NotificationEvent("freeze", [], null, null,
                $"FREEZE: {actor} froze {what}: {reason}. Nothing there is published until an admin unfreezes; do not schedule more."));
            return created;
        }, CancellationToken.None);
        try
        {
            var stopped = await fence.DrainAsync(freeze.Covers, DrainTimeout);
            if (stopped.Count > 0)
            {
                log.LogWarning("Freeze {FreezeId} stopped {Count} post(s) in flight: {PostIds}", freeze.Id, stopped.Count, stopped);
            }
        }
        catch (TimeoutException)
        {
            // Only a publisher that ignores cancellation gets here; the database fence still holds everything else.
            log.LogCritical("A publish in flight did not stop within {Timeout} of freeze {FreezeId}", DrainTimeout, freeze.Id);
        }
        if (freeze.Global)
        {
            await SyncSchedulerAsync(CancellationToken.None);
        }
        return freeze;
    }

    /// <summary>
    /// Lifts one freeze (the global one when <paramref name="freezeId"/> is null). Posts it covered that came due
    /// meanwhile are held for someone to confirm; later ones resume. Other freezes stay.
    /// </summary>
    public async Task<(Freeze Lifted, IReadOnlyList<string> Held)> UnfreezeAsync(string? freezeId, string? reason, string actor, CancellationToken cancellationToken)
    {
        reason = ValidReason(reason, "unfreezing");
        var (lifted, held) = await database.InTransactionAsync(async (c, t) =>
        {
            var active = await FreezeStore.ActiveAsync(c, t, cancellationToken);
            var freeze = freezeId is null
                ? active.FirstOrDefault(f => f.Global) ?? throw ProblemException.Conflict(active.Count == 0
                    ? "Nothing is frozen."
                    : "The whole queue is not frozen; name the scoped freeze to lift (GET /api/freeze lists them).")
                : active.FirstOrDefault(f => f.Id == freezeId) ?? throw ProblemException.NotFound($"No active freeze with id '{freezeId}'.");
            var now = time.GetUtcNow();
            // Quartz would fire these the moment triggers resume; they missed their moment and need a person.
            var due = await c.QueryAsync<(string Id, string Account)>(
                "SELECT id, account_id FROM posts WHERE status = @status AND scheduled_at <= @now AND crisis_statement = 0",
                new { status = PostTransitions.Name(PostStatus.Scheduled), now }, t);
            var heldIds = new List<string>();
            foreach (var (id, _) in due.Where(p => freeze.Covers(p.Account)))
            {
                var change = new PostChange(id, PostStatus.Held, actor, "post.held",
                    $"Came due while {(freeze.Global ? "the queue" : "its account")} was frozen ({freeze.Reason}); reschedule it to confirm it still fits the moment.")
                {
                    ExpectedFrom = PostStatus.Scheduled,
                };
                if (await posts.ChangeAsync(c, t, change, cancellationToken) is not null)
                {
                    heldIds.Add(id);
                }
            }
            // Lifted after the sweep, so the incident timeline ends with the unfreeze.
            var liftedAt = time.GetUtcNow();
            await c.ExecuteAsync(
                "UPDATE freezes SET lifted_at = @now, lifted_by = @actor, lift_reason = @reason WHERE id = @Id",
                new { now = liftedAt, actor, reason, freeze.Id }, t);
            await audit.AppendAsync(c, t, actor, "unfreeze", freeze.Id, new { reason, frozenSince = freeze.Since, frozenBy = freeze.By, accounts = freeze.Accounts });
            await notifier.EnqueueAsync(c, t, new NotificationEvent("unfreeze", [], null, null,
                $"Unfrozen by {actor} ({(freeze.Global ? "the whole queue" : string.Join(", ", freeze.Accounts))}): {reason}. Posts that came due during the freeze are held for confirmation."));
            return (freeze, heldIds);
        }, CancellationToken.None);

        foreach (var id in held)
        {
            await scheduler.UnscheduleAsync(id, CancellationToken.None);
        }
        if (lifted.Global)
        {
            await SyncSchedulerAsync(CancellationToken.None);
        }
        return (lifted, held);
    }

    /// <summary>Pauses Quartz's posts group while a global freeze is recorded and resumes it otherwise.</summary>
    public async Task SyncSchedulerAsync(CancellationToken cancellationToken)
    {
        await _syncing.WaitAsync(cancellationToken);
        try
        {
            await _schedulerRetries.ExecuteAsync(async token =>
            {
                var state = await freezes.GetAsync(token);
                if (state.Frozen)
                {
                    await scheduler.PausePostsAsync(state.Reason!, state.By!, token);
                }
                else
                {
                    await scheduler.ResumePostsAsync(token);
                }
            }, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The fence still decides every publish; what is lost is Quartz's pause or resume, which the next sync
            // (any freeze, unfreeze or start) repairs.
            log.LogCritical(e, "Quartz's posts group could not be brought in line with the recorded freezes");
            throw;
        }
        finally
        {
            _syncing.Release();
        }
    }

    private readonly ResiliencePipeline _schedulerRetries = new ResiliencePipelineBuilder { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
        })
        .Build();

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
