using Gateway.Rules;

namespace Gateway.Posts;

/// <summary>
/// One change of a post's status, with what else changes along with it. <see cref="PostStore.ChangeAsync"/>
/// applies it atomically with its audit entry, or not at all.
/// </summary>
public sealed record PostChange(string PostId, PostStatus To, string Actor, string Action, string? Reason)
{
    /// <summary>Apply only if the post is still in this status (the caller decided based on it).</summary>
    public PostStatus? ExpectedFrom { get; init; }

    /// <summary>Apply only while no freeze covers the post: the publish fence, decided in the same transaction (see <see cref="Freeze.FreezeStore.FenceAsync"/>).</summary>
    public bool RequireNotFrozen { get; init; }

    /// <summary>The node that takes the post to <c>publishing</c>: if it dies, the others know whose send was cut short.</summary>
    public string? Node { get; init; }

    /// <summary>The freeze a post is held for: the crisis page lists what each freeze stopped.</summary>
    public string? HeldFor { get; init; }

    public string? Body { get; init; }

    /// <summary>The post's images from now on; null leaves them as they are.</summary>
    public IReadOnlyList<PostMedia>? Media { get; init; }
    public DateTimeOffset? ScheduledAt { get; init; }
    public IReadOnlyList<Finding>? Findings { get; init; }
    public int? RequiredApprovals { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public string? PublishRef { get; init; }
    public string? PublishUrl { get; init; }

    /// <summary>The post is held because a send was interrupted: whether the network has it is not known. Any later change clears it.</summary>
    public bool Unconfirmed { get; init; }

    /// <summary>Whether the post still lacks a time (a draft saved without one); null leaves it as it is.</summary>
    public bool? Untimed { get; init; }
}
