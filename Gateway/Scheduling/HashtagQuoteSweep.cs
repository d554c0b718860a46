using System.Globalization;
using Gateway.Posts;
using Gateway.Rules.Hashtags;
using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// Forgets other people's words: removes the quoted example posts from the <c>hashtag.history</c> evidence of posts
/// settled more than <see cref="HashtagHistoryOptions.KeepQuotesFor"/> ago, as a Quartz job in the maintenance group.
/// A post still on its way keeps them, for the reviewer who has to judge the tag.
/// </summary>
[DisallowConcurrentExecution]
public sealed class HashtagQuoteSweep(PostStore posts, HashtagHistoryOptions options, TimeProvider time, ILogger<HashtagQuoteSweep> log) : IJob
{
    public static readonly JobKey Key = new("remove-hashtag-quotes", "maintenance");
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public const string Action = "hashtag-history.quotes-removed";

    /// <summary>Posts per run, so one run never holds the database long; the rest are the next run's.</summary>
    public const int Batch = 500;

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => new(RunAsync(cancellationToken));

    /// <summary>Returns how many posts lost their quotes.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var removed = $"removed {now.ToUniversalTime():yyyy-MM-ddTHH:mm:sszzz}, {Days(options.KeepQuotesFor)} after the post settled";
        var count = await posts.RewriteSettledFindingsAsync(now - options.KeepQuotesFor, HashtagHistoryCheck.QuotedMarker,
            f => HashtagHistoryCheck.ForgetExamples(f, removed), Action, Batch, cancellationToken);
        if (count > 0)
        {
            log.LogInformation("Removed the hashtag history quotes of {Count} posts settled before {SettledBy:O}", count, now - options.KeepQuotesFor);
        }
        return count;
    }

    private static string Days(TimeSpan span) =>
        span.TotalDays.ToString("0.##", CultureInfo.InvariantCulture) + (span == TimeSpan.FromDays(1) ? " day" : " days");
}
