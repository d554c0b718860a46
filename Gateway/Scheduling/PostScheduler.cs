using Dapper;
using Gateway.Posts;
using Gateway.Storage;
using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// The queue in Quartz's persistent store: one job per post, keyed by the post id, whose only data is that id.
/// Everything else is read from the database at fire time, so the store never holds a stale copy of a post.
/// Ordinary posts wait in the <c>posts</c> group, which a global freeze pauses; approved crisis statements go in
/// <c>statements</c>, which nothing pauses.
/// </summary>
public sealed class PostScheduler(ISchedulerFactory schedulers, ISqlDialect dialect, TimeProvider time)
{
    public const string PostsGroup = "posts";
    public const string StatementsGroup = "statements";
    public const string PostIdKey = "postId";

    /// <summary>
    /// The trigger that goes with a post's status: a post waits in Quartz while it has a time to wait for (an ordinary
    /// one in review, so that it expires; a crisis statement only once approved); otherwise it has none.
    /// </summary>
    public Task SyncAsync(Post post, CancellationToken cancellationToken = default) =>
        post.Status == PostStatus.Scheduled || (post.Status == PostStatus.PendingReview && !post.CrisisStatement)
            ? ScheduleAsync(post.Id, post.ScheduledAt, post.CrisisStatement, cancellationToken)
            : UnscheduleAsync(post.Id, cancellationToken);

    public Task ScheduleAsync(string postId, DateTimeOffset at, bool statement = false, CancellationToken cancellationToken = default) =>
        ScheduleManyAsync([(postId, at)], statement, cancellationToken);

    /// <summary>Schedules many posts in one store transaction (imports, load tests), replacing triggers they have.</summary>
    public async Task ScheduleManyAsync(IReadOnlyCollection<(string PostId, DateTimeOffset At)> posts, bool statement = false, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var jobs = posts.ToDictionary(p => Job(p.PostId, statement), p => (IReadOnlyCollection<ITrigger>)[Trigger(p.PostId, p.At, statement)]);
        await scheduler.ScheduleJobs(jobs, new ScheduleJobOptions { Replace = true }, cancellationToken);
    }

    /// <summary>
    /// Gives a post that should wait in Quartz (<see cref="SyncAsync"/>) a trigger if it has none, never moving one it
    /// has: the post may have been given a new time since <paramref name="post"/> was read. True when it was missing.
    /// </summary>
    public async Task<bool> RestoreAsync(Post post, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        try
        {
            await scheduler.ScheduleJob(Job(post.Id, post.CrisisStatement), Trigger(post.Id, post.ScheduledAt, post.CrisisStatement), new ScheduleJobOptions { Replace = false }, cancellationToken);
            return true;
        }
        catch (ObjectAlreadyExistsException)
        {
            return false;
        }
    }

    private static IJobDetail Job(string postId, bool statement) => JobBuilder.Create<PublishJob>()
        .WithIdentity(postId, statement ? StatementsGroup : PostsGroup)
        .UsingJobData(PostIdKey, postId)
        .Build();

    private static ITrigger Trigger(string postId, DateTimeOffset at, bool statement) => TriggerBuilder.Create()
        .WithIdentity(postId, statement ? StatementsGroup : PostsGroup)
        .StartAt(at)
        // A late trigger must still reach the job: PublishJob decides whether "late" means held. The default
        // smart policy would do the same for a one-shot trigger, but spelled out it cannot silently change.
        .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
        .Build();

    public async Task UnscheduleAsync(string postId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJobs([new JobKey(postId, PostsGroup), new JobKey(postId, StatementsGroup)], cancellationToken);
    }

    /// <summary>Pauses every ordinary post, including those scheduled later (Quartz pauses new triggers of a paused group).</summary>
    public async Task PausePostsAsync(string reason, string by, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.PauseTriggerGroupsWith(GroupMatcher<TriggerKey>.GroupEquals(PostsGroup), new PauseDetails { Reason = reason, RequestedBy = by }, cancellationToken);
    }

    /// <summary>
    /// Lifts the pause of <see cref="PausePostsAsync"/>. Quartz's own group resume works one trigger at a time and on
    /// SQLite each one gets slower as the group grows (measured: 2,000 triggers 0.5 s, 8,000 about 5 s, 100,000
    /// still running after ten minutes), so an unfreeze would hang for as long as the queue is large. A trigger
    /// that is merely paused and not yet due needs nothing but its state back, and one statement in Quartz's own
    /// tables gives it that, in the same transaction that removes the group's pause. Quartz itself then resumes the
    /// rest: the overdue (its misfire rule applies), any paused while their job ran, and the soonest few, whose
    /// resume is what wakes its scheduler thread to look at the queue again.
    /// </summary>
    public async Task ResumePostsAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var args = new { scheduler = scheduler.SchedulerName, group = PostsGroup, now = time.GetUtcNow().UtcTicks, soonest = ResumedByQuartz };
        IReadOnlyList<string> rest;
        await using (var connection = dialect.CreateSchedulerConnection())
        {
            await connection.OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync("DELETE FROM qrtz_paused_trigger_grps WHERE sched_name = @scheduler AND trigger_group = @group", args, transaction);
            await connection.ExecuteAsync("""
                UPDATE qrtz_triggers SET trigger_state = 'WAITING', pause_reason = NULL, paused_by = NULL, paused_at = NULL
                WHERE sched_name = @scheduler AND trigger_group = @group AND trigger_state = 'PAUSED' AND next_fire_time >= @now
                  AND trigger_name NOT IN (
                    SELECT trigger_name FROM qrtz_triggers
                    WHERE sched_name = @scheduler AND trigger_group = @group AND trigger_state = 'PAUSED'
                    ORDER BY next_fire_time LIMIT @soonest)
                """, args, transaction);
            rest = (await connection.QueryAsync<string>("""
                SELECT trigger_name FROM qrtz_triggers
                WHERE sched_name = @scheduler AND trigger_group = @group AND trigger_state IN ('PAUSED', 'PAUSED_BLOCKED')
                """, args, transaction)).AsList();
            await transaction.CommitAsync(cancellationToken);
        }
        await scheduler.ResumeTriggers(rest.Select(name => new TriggerKey(name, PostsGroup)).ToList(), cancellationToken);
    }

    /// <summary>How many of the soonest paused triggers <see cref="ResumePostsAsync"/> leaves to Quartz.</summary>
    private const int ResumedByQuartz = 100;

    /// <summary>The posts that have a trigger, in either lane.</summary>
    public async Task<IReadOnlySet<string>> ScheduledPostIdsAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in new[] { PostsGroup, StatementsGroup })
        {
            ids.UnionWith((await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(group), cancellationToken)).Select(key => key.Name));
        }
        return ids;
    }
}
