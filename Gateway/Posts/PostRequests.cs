namespace Gateway.Posts;

/// <summary><c>POST /api/posts</c>. <c>scheduledAt</c> omitted means "as soon as it passes its checks".</summary>
public sealed record SubmitPost(string? Account, string? Body, string? ScheduledAt);

/// <summary><c>PUT /api/posts/{id}</c>: whatever is given changes, the rest stays.</summary>
public sealed record EditPost(string? Body, string? ScheduledAt);

/// <summary><c>POST /api/posts/{id}/reschedule</c>.</summary>
public sealed record ReschedulePost(string? ScheduledAt);

/// <summary><c>POST /api/check</c>: findings for a draft, nothing saved.</summary>
public sealed record CheckDraft(string? Account, string? Body, string? ScheduledAt);
