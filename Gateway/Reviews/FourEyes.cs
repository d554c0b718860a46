using Gateway.Posts;
using Gateway.Rules;
using Gateway.Users;

namespace Gateway.Reviews;

/// <summary>What the checks and the post's history make of one version: its status, why, and how many approvals it needs.</summary>
public sealed record Outcome(PostStatus Status, string? Reason, int RequiredApprovals);

/// <summary>
/// The second-opinion rule, decided here and nowhere else. Every way a version comes about (submit, edit, reschedule,
/// release) asks <see cref="Decide"/>; every way it is let out (approval, override, the fire-time gate) asks
/// <see cref="IsSatisfied"/>, which counts only approvals of that exact version by people who had no hand in it.
/// The author and everyone who changed its text or time are its contributors (<see cref="PostStore.ContributorsAsync"/>).
/// </summary>
public static class FourEyes
{
    /// <summary>The status of a new version. <paramref name="reviewedBefore"/> is the approvals the previous version
    /// needed when it was already in review (or reviewed): what goes out must then be what a colleague saw.</summary>
    public static Outcome Decide(IReadOnlyList<Finding> findings, int demanded, bool crisisStatement, int? reviewedBefore = null)
    {
        var required = Math.Max(demanded, crisisStatement || reviewedBefore is not null ? 1 : 0);
        if (reviewedBefore is { } before)
        {
            required = Math.Max(required, before);
        }
        return CheckPipeline.Worst(findings) switch
        {
            Severity.Block => new(PostStatus.Blocked, Summary("Blocked", findings, Severity.Block), required),
            _ when crisisStatement => new(PostStatus.PendingReview,
                "Crisis statement: a second admin or reviewer approves it, then it is published at once despite the freeze.", required),
            Severity.Review => new(PostStatus.PendingReview, Summary("Needs a second opinion", findings, Severity.Review), required),
            _ when reviewedBefore is not null => new(PostStatus.PendingReview, "Edited after review had started: it needs a fresh second opinion.", required),
            _ => new(PostStatus.Scheduled, null, 0),
        };
    }

    /// <summary>Statuses in which a post is (or was) under review, so that an edit keeps it there.</summary>
    public static bool InReview(PostStatus status) => status is PostStatus.PendingReview or PostStatus.Rejected or PostStatus.Expired;

    /// <summary>A crisis statement always needs one: it is the post that passes a freeze.</summary>
    public static int Required(Post post) => post.CrisisStatement ? Math.Max(1, post.RequiredApprovals) : post.RequiredApprovals;

    /// <summary><paramref name="approvers"/> must come from <see cref="ReviewStore.ApproversAsync(System.Data.Common.DbConnection, System.Data.Common.DbTransaction?, string, string, DateTimeOffset)"/>,
    /// which counts the current version's approvals by non-contributors only.</summary>
    public static bool IsSatisfied(Post post, IReadOnlyCollection<string> approvers) => approvers.Count >= Required(post);

    public static void EnsureMayApprove(IReadOnlySet<string> contributors, Post post, User reviewer)
    {
        if (post.Author == reviewer.Name)
        {
            throw ProblemException.Forbidden("You wrote this post: the second opinion has to come from a colleague.");
        }
        if (contributors.Contains(reviewer.Name))
        {
            throw ProblemException.Forbidden("You changed this post: the second opinion has to come from someone who did not.");
        }
    }

    /// <summary>An override is itself a second person's decision about this version, so it counts as their approval.</summary>
    public static void EnsureMayOverride(IReadOnlySet<string> contributors, Post post, User admin)
    {
        if (contributors.Contains(admin.Name) || post.Author == admin.Name)
        {
            throw ProblemException.Forbidden("You wrote or changed this post: another admin has to decide whether it goes out against its findings.");
        }
    }

    private static string Summary(string what, IReadOnlyList<Finding> findings, Severity severity) =>
        $"{what}: {string.Join("; ", findings.Where(f => f.Severity == severity).Select(f => $"{f.Rule}: {f.Message}"))}";
}
