namespace Gateway.Posts;

/// <summary>Where a post is on its way out. Serialised as snake_case: <c>pending_review</c>, <c>scheduled</c>, …</summary>
public enum PostStatus
{
    PendingReview,
    Scheduled,
    Blocked,
    Held,
    Publishing,
    Published,
    Failed,
    Rejected,
    Expired,
    Cancelled,
    /// <summary>Saved to finish later: checked, never triggered, never published until submitted.</summary>
    Draft,
}
