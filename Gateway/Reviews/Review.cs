namespace Gateway.Reviews;

/// <summary>One verdict on one version of a post (<see cref="ContentHash"/>): it counts only for exactly that version.</summary>
public sealed record Review(long Id, string PostId, string Reviewer, string Verdict, string? Comment, string ContentHash, DateTimeOffset At, DateTimeOffset? VoidedAt)
{
    public const string Approve = "approve";
    public const string Reject = "reject";
}

/// <summary><c>POST /api/posts/{id}/reviews</c>. <c>contentHash</c>, when given, must be the version the reviewer read.</summary>
public sealed record ReviewRequest(string? Verdict, string? Comment, string? ContentHash);

/// <summary><c>POST /api/posts/{id}/override</c>.</summary>
public sealed record OverrideRequest(string? Reason);

public sealed record Comment(long Id, string PostId, string Author, string Text, DateTimeOffset At);

public sealed record CommentRequest(string? Text);

/// <summary>One entry of a reviewer's inbox.</summary>
public sealed record InboxItem(Posts.Post Post, string ContentHash, int RequiredApprovals, IReadOnlyList<string> ApprovedBy);
