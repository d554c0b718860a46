using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// The queue in Quartz's persistent store: one job per post, keyed by the post id, whose only data is that id.
/// Everything else is read from the database at fire time, so the store never holds a stale copy of a post.
/// </summary>
public sealed class PostScheduler(ISchedulerFactory schedulers)
{
    public const string Group = "posts";
    public const string PostIdKey = "postId";

    public async Task ScheduleAsync(string postId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var job = JobBuilder.Create<PublishJob>()
            .WithIdentity(postId, Group)
            .UsingJobData(PostIdKey, postId)
            .Build();
        var trigger = TriggerBuilder.Create()
            .WithIdentity(postId, Group)
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
        await scheduler.DeleteJob(new JobKey(postId, Group), cancellationToken);
    }

    public async Task PauseAllAsync(string reason, string by, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.PauseAllWith(new PauseDetails { Reason = reason, RequestedBy = by }, cancellationToken);
    }

    public async Task ResumeAllAsync(CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.ResumeAll(cancellationToken);
    }

    public async Task<bool> IsScheduledAsync(string postId, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return await scheduler.Exists(new TriggerKey(postId, Group), cancellationToken);
    }
}
