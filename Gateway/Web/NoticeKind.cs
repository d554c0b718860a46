using Gateway.Posts;

namespace Gateway.Web;

/// <summary>
/// How a message on a page looks: bad news (blocked, frozen, held, failed, rejected) must never wear the green of
/// success, so every message says which kind it is.
/// </summary>
public enum NoticeKind
{
    Success,
    Info,
    Warning,
    Danger,
}

public static class NoticeKinds
{
    /// <summary>The class a message of this kind carries, e.g. <c>notice notice-danger</c>.</summary>
    public static string CssClass(this NoticeKind kind) => "notice notice-" + kind.ToString().ToLowerInvariant();

    /// <summary>What a post's status means to whoever just acted on it.</summary>
    public static NoticeKind Of(PostStatus status) => status switch
    {
        PostStatus.Scheduled or PostStatus.Publishing or PostStatus.Published => NoticeKind.Success,
        PostStatus.PendingReview or PostStatus.Held or PostStatus.Expired => NoticeKind.Warning,
        PostStatus.Blocked or PostStatus.Failed or PostStatus.Rejected => NoticeKind.Danger,
        _ => NoticeKind.Info,
    };

    /// <summary>What a saved post means to its editor: its status, and at least a warning when its account is frozen.</summary>
    public static NoticeKind Of(Post post) =>
        post.Frozen is null || post.Status == PostStatus.Draft ? Of(post.Status) : Worst(Of(post.Status), NoticeKind.Warning);

    /// <summary>The worse of two kinds: a success that leaves a post frozen is a warning.</summary>
    public static NoticeKind Worst(NoticeKind a, NoticeKind b) => (NoticeKind)Math.Max((int)a, (int)b);
}
