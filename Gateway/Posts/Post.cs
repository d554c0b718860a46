using Gateway.Rules;

namespace Gateway.Posts;

/// <summary>A post on its way to a social account.</summary>
/// <param name="Unconfirmed">Held because a send was interrupted: the network may or may not have it.</param>
/// <param name="PublishRef">The post's id on its network, once published.</param>
/// <param name="PublishUrl">Where the published post can be seen, when the network says.</param>
/// <param name="Group">Links the posts written once for several accounts (<c>POST /api/posts</c> with <c>accounts</c>).</param>
/// <param name="Untimed">A draft saved without a time: <see cref="ScheduledAt"/> is when it was saved, for ordering only.</param>
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
    int Version,
    int RequiredApprovals = 0,
    bool CrisisStatement = false,
    bool Unconfirmed = false,
    string? PublishUrl = null,
    string? Group = null,
    bool Untimed = false)
{
    /// <summary>Set on submit and edit answers when the account is frozen: the post is accepted but not released.</summary>
    public Freeze.Freeze? Frozen { get; init; }

    /// <summary>
    /// When its Quartz trigger should fire, or null for none: a post waits in Quartz while it has a time to wait for
    /// (an ordinary one in review too, so that it expires; a crisis statement only once approved). Stored with every
    /// change of the post (<c>trigger_at</c>), so the trigger a post should have commits with its state.
    /// </summary>
    public DateTimeOffset? TriggerAt => Status == PostStatus.Scheduled || (Status == PostStatus.PendingReview && !CrisisStatement) ? ScheduledAt : null;

    /// <summary>The post's images in order, each with its alt text; empty for none.</summary>
    public IReadOnlyList<PostMedia> Media { get; init; } = [];

    /// <summary>
    /// What a reviewer approves: the body, the account, the time and the images with their alt texts. Any change makes
    /// a different hash. A post without images hashes as it did before posts had them, so their approvals stand.
    /// </summary>
    public string ContentHash => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
        System.Text.Encoding.UTF8.GetBytes(Media.Count == 0
            ? $"{Account}\n{Storage.UtcTimeHandler.ToText(ScheduledAt)}\n{Body}"
            : System.Text.Json.JsonSerializer.Serialize(new object[] { Account, Storage.UtcTimeHandler.ToText(ScheduledAt), Body, Media.Select(m => new[] { m.Id, m.Alt ?? "" }) }))));
}
