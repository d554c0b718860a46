using System.Data.Common;
using Gateway.Audit;
using Gateway.Auth;
using Gateway.Posts;
using Gateway.Scheduling;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Reviews;

/// <summary>
/// Second opinions. Who may give one and when they are enough is <see cref="FourEyes"/>'s to say; here: one person
/// counts once, an approval is bound to the exact version it read, a rejection says why, blocking findings are not
/// approved away (only an admin override with a written reason, loudly).
/// </summary>
public sealed class ReviewService(
    Database database,
    PostStore posts,
    PostAccess access,
    ReviewStore reviews,
    ReviewPolicy policy,
    PostQueue queue,
    AuditLog audit,
    TimeProvider time)
{
    private const int MaxTextLength = 2000;

    public async Task<Post> ReviewAsync(string postId, ReviewRequest request, User reviewer, CancellationToken cancellationToken)
    {
        var verdict = request.Verdict?.Trim().ToLowerInvariant();
        if (verdict is not (Review.Approve or Review.Reject))
        {
            throw ProblemException.BadRequest("'verdict' must be 'approve' or 'reject'.");
        }
        var comment = OptionalText(request.Comment, "comment");
        if (verdict == Review.Reject && comment is null)
        {
            throw ProblemException.BadRequest("A rejection needs a 'comment' that tells the author what to change.");
        }
        var now = time.GetUtcNow();
        return await queue.ChangeAsync(async (c, t) =>
        {
            var post = await posts.GetAsync(c, t, postId, cancellationToken) ?? throw ProblemException.NotFound($"No post with id '{postId}'.");
            EnsureReviewable(post, await PostStore.ContributorsAsync(c, t, post.Id), reviewer);
            if (request.ContentHash is { } seen && seen != post.ContentHash)
            {
                throw ProblemException.Conflict("The post changed since you read it; read it again before giving your verdict.");
            }
            await ReviewStore.AddAsync(c, t, post.Id, reviewer.Name, verdict, comment, post.ContentHash, now);
            await audit.AppendAsync(c, t, reviewer.Name, $"review.{verdict}", post.Id, new { comment, contentHash = post.ContentHash });
            if (verdict == Review.Reject)
            {
                return (await posts.ChangeAsync(c, t, new PostChange(post.Id, PostStatus.Rejected, reviewer.Name, "post.rejected",
                    $"Rejected by {reviewer.Name}: {comment}") { ExpectedFrom = PostStatus.PendingReview }, cancellationToken))!;
            }
            return await ReleaseIfApprovedAsync(c, t, post, reviewer, "post.approved", "Approved", cancellationToken);
        }, cancellationToken);
    }

    /// <summary>
    /// Releases a blocked post against its findings: admins only, with a reason, never the post's author or anyone who
    /// changed it, and everyone is told. The override counts as that admin's approval of this version; if the post
    /// needs more (policy, or it is a crisis statement that nobody else approved), it waits in review for them.
    /// </summary>
    public async Task<Post> OverrideAsync(string postId, OverrideRequest request, User admin, CancellationToken cancellationToken)
    {
        var reason = OptionalText(request.Reason, "reason");
        if (reason is null || reason.Length < 10)
        {
            throw ProblemException.BadRequest("An override needs a written 'reason' (at least 10 characters): it is read after the crisis.");
        }
        var now = time.GetUtcNow();
        return await queue.ChangeAsync(async (c, t) =>
        {
            var post = await posts.GetAsync(c, t, postId, cancellationToken) ?? throw ProblemException.NotFound($"No post with id '{postId}'.");
            if (post.Status != PostStatus.Blocked)
            {
                throw ProblemException.Conflict($"The post is {PostTransitions.Name(post.Status)}; only a blocked post can be overridden.");
            }
            FourEyes.EnsureMayOverride(await PostStore.ContributorsAsync(c, t, post.Id), post, admin);
            var overridden = string.Join("; ", post.Findings.Where(f => f.Severity == Rules.Severity.Block).Select(f => $"{f.Rule} '{f.Match}'"));
            var why = $"ADMIN OVERRIDE by {admin.Name}: {reason} (overrode: {overridden})";
            await ReviewStore.AddAsync(c, t, post.Id, admin.Name, Review.Approve, why, post.ContentHash, now);
            return await ReleaseIfApprovedAsync(c, t, post, admin, "post.override", why, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Schedules the post once the approvals that count (<see cref="FourEyes"/>) are enough; otherwise it waits in review.</summary>
    private async Task<Post> ReleaseIfApprovedAsync(DbConnection c, DbTransaction t, Post post, User actor, string action, string why, CancellationToken cancellationToken)
    {
        var approvers = await ReviewStore.ApproversAsync(c, t, post.Id, post.ContentHash, DateTimeOffset.MinValue);
        var to = FourEyes.IsSatisfied(post, approvers) ? PostStatus.Scheduled : PostStatus.PendingReview;
        if (to == post.Status)
        {
            return post;
        }
        var reason = to == PostStatus.Scheduled
            ? (action == "post.approved" ? $"Approved by {string.Join(", ", approvers)}." : why)
            : $"{why} It still needs {FourEyes.Required(post) - approvers.Count} more approval(s) from someone who did not write or change it.";
        return await posts.ChangeAsync(c, t, new PostChange(post.Id, to, actor.Name, action, reason) { ExpectedFrom = post.Status }, cancellationToken)
            ?? throw ProblemException.Conflict("The post changed meanwhile; load it again.");
    }

    public async Task<IReadOnlyList<InboxItem>> InboxAsync(User reviewer, CancellationToken cancellationToken)
    {
        var waiting = await posts.ListAsync(PostStatus.PendingReview, null, 500, cancellationToken);
        var inbox = new List<InboxItem>();
        foreach (var post in waiting.Where(p => policy.MayReview(p.Account, reviewer.Name)))
        {
            if ((await posts.ContributorsAsync(post.Id, cancellationToken)).Contains(reviewer.Name))
            {
                continue;
            }
            var approvers = await reviews.ApproversAsync(post.Id, post.ContentHash, DateTimeOffset.MinValue, cancellationToken);
            if (!approvers.Contains(reviewer.Name))
            {
                inbox.Add(new InboxItem(post, post.ContentHash, post.RequiredApprovals, approvers));
            }
        }
        return inbox; // ListAsync orders by scheduled time: the most urgent first
    }

    public async Task<Comment> CommentAsync(string postId, CommentRequest request, User author, CancellationToken cancellationToken)
    {
        var text = OptionalText(request.Text, "text") ?? throw ProblemException.BadRequest("'text' is empty.");
        var post = await access.ReadAsync(postId, author, cancellationToken);
        return await database.InTransactionAsync(async (c, t) =>
        {
            var comment = await ReviewStore.AddCommentAsync(c, t, post.Id, author.Name, text, time.GetUtcNow());
            await audit.AppendAsync(c, t, author.Name, "post.commented", post.Id, new { comment.Id });
            return comment;
        }, cancellationToken);
    }

    private void EnsureReviewable(Post post, IReadOnlySet<string> contributors, User reviewer)
    {
        FourEyes.EnsureMayApprove(contributors, post, reviewer);
        if (!policy.MayReview(post.Account, reviewer.Name))
        {
            throw ProblemException.Forbidden($"{reviewer.Name} is not among the reviewers of account '{post.Account}' (rules/policy.yml).");
        }
        switch (post.Status)
        {
            case PostStatus.PendingReview:
                return;
            case PostStatus.Blocked:
                throw ProblemException.Conflict("Blocking findings cannot be approved away: the author must edit the post, or an admin override it with a written reason.");
            case PostStatus.Expired:
                throw ProblemException.Conflict("The post expired unreviewed; it needs a new time (reschedule) before it can be reviewed again.");
            default:
                throw ProblemException.Conflict($"The post is {PostTransitions.Name(post.Status)}; there is nothing to review.");
        }
    }

    private static string? OptionalText(string? text, string field)
    {
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        return text.Length <= MaxTextLength ? text : throw ProblemException.BadRequest($"'{field}' is longer than {MaxTextLength} characters.");
    }
}
