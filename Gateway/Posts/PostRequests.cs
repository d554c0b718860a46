namespace Gateway.Posts;

/// <summary><c>POST /api/posts</c>. <c>scheduledAt</c> omitted means "as soon as it passes its checks".
/// <c>crisisStatement</c> (admins, during a freeze of the account): goes out at once when a second person approves it.
/// <c>accounts</c> instead of <c>account</c>: one post per account, linked by a group id. <c>draft</c>: saved and
/// checked, not scheduled (its time may be empty or past) until <c>POST /api/posts/{id}/submit</c>.
/// <c>media</c>: uploaded images in order, <c>[{id, alt}]</c>.</summary>
public sealed record SubmitPost(string? Account, string? Body, string? ScheduledAt, bool CrisisStatement = false,
    IReadOnlyList<string>? Accounts = null, bool Draft = false, IReadOnlyList<MediaRequest?>? Media = null);

/// <summary>One image of a post as a request names it: a media id from <c>POST /api/media</c> and its alt text.</summary>
public sealed record MediaRequest(string? Id, string? Alt);

/// <summary><c>POST /api/posts/{id}/submit</c>: a draft goes on the usual path, at its own time or this one.</summary>
public sealed record SubmitDraft(string? ScheduledAt);

/// <summary>The posts written once for several accounts: <c>201</c> of a group submit, <c>GET /api/groups/{id}</c>.</summary>
public sealed record PostGroup(string Group, IReadOnlyList<Post> Posts);

/// <summary><c>POST /api/posts/release</c>: held (or expired, failed) posts get new times, spaced apart so they never burst out.</summary>
public sealed record ReleasePosts(IReadOnlyList<string>? Ids, string? ScheduledAt, int SpacingMinutes = 0);

/// <summary><c>POST /api/posts/cancel</c>.</summary>
public sealed record CancelPosts(IReadOnlyList<string>? Ids);

/// <summary>What became of one post in a bulk action.</summary>
public sealed record BulkResult(string Id, string? Status, string? Error);

/// <summary><c>PUT /api/posts/{id}</c>: whatever is given changes, the rest stays (<c>media: []</c> removes every image).</summary>
public sealed record EditPost(string? Body, string? ScheduledAt, IReadOnlyList<MediaRequest?>? Media = null);

/// <summary><c>POST /api/posts/{id}/reschedule</c>.</summary>
public sealed record ReschedulePost(string? ScheduledAt);

/// <summary><c>POST /api/check</c>: findings for a draft, nothing saved.</summary>
public sealed record CheckDraft(string? Account, string? Body, string? ScheduledAt, IReadOnlyList<MediaRequest?>? Media = null);
