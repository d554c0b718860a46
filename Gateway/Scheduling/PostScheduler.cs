using Gateway.Posts;
using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// The queue in Quartz's persistent store: one job per post, keyed by the post id, whose only data is that id (and the trace it was scheduled in).
/// Everything else is read from the database at fire time, so the store never holds a stale copy of a post, and
/// a freeze changes no trigger: the fire-time gate holds what comes due during it. Ordinary posts wait in the
/// <c>posts</c> group, approved crisis statements in <c>statements</c>.
/// </summary>
public sealed class PostScheduler(ISchedulerFactory schedulers)
{
    public const string PostsGroup = "posts";
    public const string StatementsGroup = "statements";
    public const string PostIdKey = "postId";

    /// <summary>The trace the post was scheduled in (W3C <c>traceparent</c>), which its publish continues.</summary>
    public const string TraceParentKey = "traceparent";

    /// <summary>Gives the post the trigger its committed state says it should have (<see cref="Post.TriggerAt"/>), or none.</summary>
    public Task SyncAsync(Post post, CancellationToken cancellationToken = default) =>
        post.TriggerAt is { } at
            ? ScheduleAsync(post.Id, at, post.CrisisStatement, cancellationToken)
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
    /// Gives a post that should wait in Quartz (<see cref="Post.TriggerAt"/>) a trigger if it has none, never moving one it
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
        .UsingJobData(TraceParentKey, Telemetry.GatewayTracing.CurrentParent() ?? "")
        // On a cluster, a node that dies mid-send has its job fired again elsewhere, where PublishJob settles it.
        .RequestRecovery()
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
