using Gateway.Rules;

namespace Gateway.Posts;

/// <summary>A post on its way to a social account.</summary>
public sealed record Post(
    string Id,
    string Account,
    string Author,
    string Body,
    PostStatus Status,
    string? StatusReason,
    DateTimeOffset ScheduledAt,
    IReadOnlyList<Finding> Findings,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    string? PublishRef,
    int Version);
