using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// The queue in Quartz's persistent store: one job per post, keyed by the post id, whose only data is that id.
/// Everything else is read from the database at fire time, so the store never holds a stale copy of a post.
/// Ordinary posts wait in the <c>posts</c> group, which a global freeze pauses; approved crisis statements go in
/// <c>statements</c>, which nothing pauses.
/// </summary>
public sealed class PostScheduler(ISchedulerFactory schedulers)
{
    public const string PostsGroup = "posts";
    public const string StatementsGroup = "statements";
    public const string PostIdKey = "postId";

    public async Task ScheduleAsync(string postId, DateTimeOffset at, bool statement = false, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var group = statement ? StatementsGroup : PostsGroup;
        var job = JobBuilder.Create<PublishJob>()
            .WithIdentity(postId, group)
            .UsingJobData(PostIdKey, postId)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(postId, group)
            .StartAt(at)
            // A late trigger must still reach the job: PublishJob decides whether "late" means held. The default
            // smart policy would do the same for a one-shot trigger, but spelled out it cannot silently change.
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();
        await scheduler.ScheduleJob(job, trigger, new ScheduleJobOptions { Replace = true }, cancellationToken);
    }

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

    public async Task ResumePostsAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.ResumeTriggerGroups(GroupMatcher<TriggerKey>.GroupEquals(PostsGroup), cancellationToken);
    }

    public async Task<bool> IsScheduledAsync(string postId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return await scheduler.Exists(new TriggerKey(postId, PostsGroup), cancellationToken)
            || await scheduler.Exists(new TriggerKey(postId, StatementsGroup), cancellationToken);
    }
}
