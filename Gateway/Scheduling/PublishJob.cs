using Gateway.Accounts;
using Gateway.Audit;
using Gateway.Freeze;
using Gateway.Posts;
using Gateway.Publishing;
using Gateway.Reviews;
using Gateway.Rules;
using Polly;
using Polly.Retry;
using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// The fire-time gate. When a post's trigger fires, everything is read again from the database (not a cache),
/// right before the side effect: the post, the freeze, the clock, the checks that depend on time. A post that
/// fails any of them is held with the reason: never lost, never published.
/// </summary>
public sealed class PublishJob(
    PostStore posts,
    AccountStore accounts,
    FreezeStore freezes,
    CheckPipeline checks,
    PublishFence fence,
    ReviewStore reviews,
    ReviewPolicy policy,
    IEnumerable<IPublisher> publishers,
    DeliveryLookup deliveries,
    ConnectionStore connections,
    Cluster.ClusterNodes nodes,
    Cluster.OrphanedSends orphans,
    AuditLog audit,
    GatewayOptions options,
    Telemetry.GatewayMetrics metrics,
    TimeProvider time,
    ILogger<PublishJob> log) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var postId = context.MergedJobDataMap.GetString(PostScheduler.PostIdKey)!;
        using var activity = Telemetry.GatewayTracing.StartPublish(postId, context.MergedJobDataMap.GetString(PostScheduler.TraceParentKey));
        await FireAsync(postId, cancellationToken);
    }

    public async Task FireAsync(string postId, CancellationToken cancellationToken)
    {
        var post = await posts.GetAsync(postId, cancellationToken);
        if (post?.Status == PostStatus.PendingReview)
        {
            await ChangeAsync(post, PostStatus.Expired, "post.expired",
                $"Nobody approved it before its time ({post.ScheduledAt:O}). Approving it now needs a new time.");
            return;
        }
        if (post?.Status == PostStatus.Publishing)
        {
            // Quartz recovered the job of a node that died mid-send (it requests recovery): settle it, never send again.
            foreach (var held in await orphans.HoldAsync(CancellationToken.None))
            {
                await deliveries.SettleAsync(held, CancellationToken.None);
            }
            return;
        }
        if (post?.Status != PostStatus.Scheduled)
        {
            return; // cancelled, held or edited since the trigger was set: the trigger is stale
        }

        // 0. Its time. Quartz may take a trigger up to Scheduler.FireAhead early, in a round with others; a timer may
        // wake a millisecond early (its clock ticks in milliseconds), so the clock is asked again.
        while (post.ScheduledAt - time.GetUtcNow() is { Ticks: > 0 } early && early <= options.Scheduler.FireAhead)
        {
            await Task.Delay(early + TimeSpan.FromMilliseconds(1), time, cancellationToken);
        }

        // 1. The freezes, as the database has them now: one covering the post now or at its time (lifted since) holds
        // it. An approved crisis statement is the one post that passes.
        var now = time.GetUtcNow();
        metrics.Fired(now - post.ScheduledAt);
        if (!post.CrisisStatement)
        {
            if (await freezes.CoveringAsync(post.Account, post.ScheduledAt, cancellationToken) is { } freeze)
            {
                await HoldAsync(post, FrozenReason(freeze), heldFor: freeze);
                return;
            }

            // 2. Its moment. A post that missed it (gateway down, queue frozen) waits for a person to confirm.
            if (now - post.ScheduledAt > options.LateGrace)
            {
                await HoldAsync(post, $"It was due at {post.ScheduledAt:O} and is {Math.Round((now - post.ScheduledAt).TotalMinutes)} min late " +
                    "(the gateway was down or the queue frozen); reschedule it to confirm it still fits the moment.");
                return;
            }
        }

        // 3. The second opinions it needed, for exactly this version, by people who had no hand in it, still fresh:
        // the world may have changed since. Whatever path led here, this is where four eyes are enforced last.
        if (FourEyes.Required(post) > 0)
        {
            var fresh = await reviews.ApproversAsync(post.Id, post.ContentHash, now - policy.ExpireAfter, cancellationToken);
            if (!FourEyes.IsSatisfied(post, fresh))
            {
                await HoldAsync(post, $"It needs {FourEyes.Required(post)} approval(s) of this exact version, given within the last " +
                    $"{policy.ExpireAfter.TotalHours:0} h by someone who did not write or change it, and has {fresh.Count}; it needs a fresh second opinion: edit or reschedule it to ask for one.");
                return;
            }
        }

        // 4. The checks whose answer can change between submit and now.
        var account = await accounts.GetAsync(post.Account, cancellationToken)
            ?? throw new InvalidOperationException($"Post {post.Id} names account {post.Account}, which does not exist.");
        IReadOnlyList<Finding> current;
        try
        {
            current = await metrics.RunChecksAsync(checks, new CheckInput(post.Body, account.Profile, post.ScheduledAt, now), CheckPhase.FireTime, cancellationToken);
        }
        catch (Rules.Text.MarkdownTooDeepException e)
        {
            // Stored before the gateway refused such text: it cannot be checked, so it cannot go out.
            await HoldAsync(post, $"At fire time its checks could not read it: {e.Message} Edit it to send it.");
            return;
        }
        // What the post already carried when it was approved (or needed no approval) was judged then; only what is new
        // or worse since (a link that broke, a trend that went live) stops it now.
        var changed = current.Where(f => f.Severity >= Severity.Review
            && !post.Findings.Any(o => o.Rule == f.Rule && o.Start == f.Start && o.Length == f.Length && o.Severity >= f.Severity)).ToArray();
        if (changed.Length > 0)
        {
            await HoldAsync(post, "At fire time: " + string.Join("; ", changed.Select(f => $"{f.Rule}: {f.Message}")),
                [.. post.Findings.Where(f => !current.Any(n => n.Rule == f.Rule)), .. current]);
            return;
        }

        // 5. The fence: from here on a freeze cancels this publish, and the status only moves while nothing covers it.
        using var lease = post.CrisisStatement ? null : fence.Enter(post.Id, post.Account, cancellationToken);
        var token = lease?.Token ?? cancellationToken;
        var publishing = await posts.ChangeAsync(
            new PostChange(post.Id, PostStatus.Publishing, AuditLog.System, "post.publishing", $"Publishing to {account.Id} via {account.Publisher.Type}.")
            {
                ExpectedFrom = PostStatus.Scheduled,
                RequireNotFrozen = !post.CrisisStatement,
                Node = nodes.Self,
            }, CancellationToken.None);
        if (publishing is null)
        {
            // Either a freeze landed after step 1, or someone changed the post; only the first leaves it scheduled.
            var landed = (await freezes.GetAsync(CancellationToken.None)).Covering(post.Account);
            await HoldAsync(post, landed is null ? "The post changed while it was being published." : FrozenReason(landed), heldFor: landed);
            return;
        }

        // 6. The side effect, tried again only where that cannot make a second copy (see Retries).
        var publisher = publishers.Single(p => p.Type == account.Publisher.Type);
        try
        {
            var publishedAt = now;
            var delivery = await Retries(publishing, publisher).ExecuteAsync(async token =>
            {
                publishedAt = time.GetUtcNow();
                metrics.PublishAttempted(account.Network, publisher.Type);
                try
                {
                    return await publisher.PublishAsync(publishing, account, publishedAt, token);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    metrics.PublishFailed(account.Network, publisher.Type, e is PublishException p ? System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Failure.ToString()) : "error");
                    throw;
                }
            }, token);
            await ChangeAsync(publishing, PostStatus.Published, "post.published", delivery.Url is null ? null : $"Published: {delivery.Url}",
                publishedAt: delivery.At ?? publishedAt, delivery: delivery);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            var why = cancellationToken.IsCancellationRequested ? "the gateway shut down" : "a freeze landed";
            await HoldUnconfirmedAsync(publishing, $"Stopped while publishing because {why}; it was not confirmed as sent. Check {account.Id} before releasing it.");
        }
        catch (Exception e) when (e is not PublishException and not OperationCanceledException)
        {
            // A bug or a publisher's surprise, after the fence: never leave the post publishing, never send it again blindly.
            log.LogError(e, "Publishing post {PostId} to {Account} threw", post.Id, account.Id);
            await HoldUnconfirmedAsync(publishing, $"Publishing stopped on an unexpected error ({e.GetType().Name}: {e.Message}); it was not confirmed as sent. Check {account.Id} before releasing it.");
        }
        catch (PublishException e)
        {
            log.LogWarning("Publishing post {PostId} to {Account} failed ({Failure}): {Message}", post.Id, account.Id, e.Failure, e.Message);
            switch (e.Failure)
            {
                case PublishFailure.Uncertain:
                    await HoldUnconfirmedAsync(publishing, $"{e.Message} It was not sent again{(publisher.Deduplicates ? " after the retries" : ", as the network cannot drop a second copy")}; check {account.Id} before releasing it.");
                    break;
                case PublishFailure.RateLimited:
                    await ChangeAsync(publishing, PostStatus.Held, "post.held", $"{e.Message} It was not sent, and " + (WaitFits(publishing, e)
                        ? $"the network still refused it after {options.Publishing.MaxAttempts} tries"
                        : "waiting longer would take it past its moment") + "; reschedule it to send it.");
                    break;
                case PublishFailure.Unauthorized:
                    await connections.NeedsReconnectAsync(account.Id, e.Message, CancellationToken.None);
                    await ChangeAsync(publishing, PostStatus.Failed, "post.failed", $"Publishing failed: {e.Message}");
                    break;
                default:
                    await ChangeAsync(publishing, PostStatus.Failed, "post.failed", $"Publishing failed: {e.Message}");
                    break;
            }
        }
    }

    private async Task HoldUnconfirmedAsync(Post publishing, string reason)
    {
        var held = await ChangeAsync(publishing, PostStatus.Held, "post.held", reason, unconfirmed: true);
        if (held is not null)
        {
            await deliveries.SettleAsync(held, CancellationToken.None);
        }
    }

    private static string FrozenReason(Freeze.Freeze freeze) =>
        $"{(freeze.Global ? "The queue" : "Its account")} was frozen by {freeze.By} at {freeze.Since:O} ({freeze.Reason}); " +
        "it came due during the freeze. Reschedule it to confirm.";

    private Task HoldAsync(Post post, string reason, IReadOnlyList<Finding>? findings = null, Freeze.Freeze? heldFor = null) =>
        ChangeAsync(post, PostStatus.Held, "post.held", reason, findings: findings, heldFor: heldFor);

    private async Task<Post?> ChangeAsync(Post post, PostStatus to, string action, string? reason,
        IReadOnlyList<Finding>? findings = null, DateTimeOffset? publishedAt = null, Delivery? delivery = null, bool unconfirmed = false,
        Freeze.Freeze? heldFor = null)
    {
        // Not the job's token: once the side effect is decided, its record must be written even during shutdown.
        var changed = await posts.ChangeAsync(new PostChange(post.Id, to, AuditLog.System, action, reason)
        {
            ExpectedFrom = post.Status,
            Findings = findings,
            PublishedAt = publishedAt,
            PublishRef = delivery?.Reference,
            PublishUrl = delivery?.Url,
            Unconfirmed = unconfirmed,
            HeldFor = heldFor?.Id,
        }, CancellationToken.None);
        log.LogInformation("Post {PostId}: {From} -> {To} {Reason}", post.Id, post.Status, changed?.Status.ToString() ?? "(changed meanwhile)", reason);
        return changed;
    }

    /// <summary>Whether waiting out a rate limit keeps the post within <see cref="GatewayOptions.LateGrace"/>.</summary>
    private bool WaitFits(Post post, PublishException e) =>
        time.GetUtcNow() + (e.RetryAfter ?? options.Publishing.RetryDelay) - post.ScheduledAt <= options.LateGrace;

    /// <summary>
    /// Tries again what certainly did not arrive, what may have arrived only where the network drops the second copy,
    /// and a rate limit only while waiting it out keeps the post within <see cref="GatewayOptions.LateGrace"/>.
    /// </summary>
    private ResiliencePipeline<Delivery> Retries(Post post, IPublisher publisher) => options.Publishing.MaxAttempts <= 1
        ? ResiliencePipeline<Delivery>.Empty
        : new ResiliencePipelineBuilder<Delivery> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<Delivery>
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is PublishException e && e.Failure switch
            {
                PublishFailure.Transient => true,
                PublishFailure.Uncertain => publisher.Deduplicates,
                PublishFailure.RateLimited => WaitFits(post, e),
                _ => false,
            }),
            DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is PublishException { Failure: PublishFailure.RateLimited, RetryAfter: { } wait }
                ? (TimeSpan?)wait
                : null),
            MaxRetryAttempts = options.Publishing.MaxAttempts - 1,
            Delay = options.Publishing.RetryDelay,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            OnRetry = args => new ValueTask(audit.AppendAsync(AuditLog.System, "post.publish-retry", post.Id, new
            {
                attempt = args.AttemptNumber + 1,
                error = args.Outcome.Exception?.Message,
                delay = args.RetryDelay,
            })),
        })
        .Build();
}
