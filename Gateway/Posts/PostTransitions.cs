using System.Text.Json;

namespace Gateway.Posts;

/// <summary>
/// The only list of which status may follow which. Every status write goes through
/// <see cref="PostStore"/>, which refuses anything this table does not allow.
/// </summary>
public static class PostTransitions
{
    // What checks can decide after a submit or an edit.
    private static readonly PostStatus[] CheckOutcomes = [PostStatus.PendingReview, PostStatus.Scheduled, PostStatus.Blocked];

    private static readonly Dictionary<PostStatus, PostStatus[]> Allowed = new()
    {
        [PostStatus.PendingReview] = [.. CheckOutcomes, PostStatus.Rejected, PostStatus.Expired, PostStatus.Held, PostStatus.Cancelled],
        [PostStatus.Scheduled] = [.. CheckOutcomes, PostStatus.Publishing, PostStatus.Held, PostStatus.Expired, PostStatus.Cancelled],
        [PostStatus.Blocked] = [.. CheckOutcomes, PostStatus.Cancelled],
        // Held → held, published: an unconfirmed send settled by asking the network (Publishing.DeliveryLookup).
        [PostStatus.Held] = [.. CheckOutcomes, PostStatus.Held, PostStatus.Published, PostStatus.Cancelled],
        [PostStatus.Publishing] = [PostStatus.Published, PostStatus.Failed, PostStatus.Held],
        [PostStatus.Failed] = [.. CheckOutcomes, PostStatus.Cancelled],
        [PostStatus.Rejected] = [.. CheckOutcomes, PostStatus.Cancelled],
        [PostStatus.Expired] = [.. CheckOutcomes, PostStatus.Cancelled],
        [PostStatus.Published] = [],
        [PostStatus.Cancelled] = [],
        // A draft stays one through edits; submitting it lets the checks decide, as a first submit does.
        [PostStatus.Draft] = [PostStatus.Draft, .. CheckOutcomes, PostStatus.Cancelled],
    };

    public static bool IsAllowed(PostStatus from, PostStatus to) => Allowed[from].Contains(to);

    /// <summary>As the table says, and a held post is published only when it is an unconfirmed send its network confirms.</summary>
    public static bool IsAllowed(Post post, PostStatus to) =>
        IsAllowed(post.Status, to) && ((post.Status, to) is not (PostStatus.Held, PostStatus.Published) || post.Unconfirmed);

    /// <summary>Statuses from which the body or time may still change (which re-runs the checks).</summary>
    public static bool IsEditable(PostStatus status) => CheckOutcomes.All(outcome => IsAllowed(status, outcome));

    public static string Name(PostStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    public static PostStatus Parse(string text) =>
        Enum.GetValues<PostStatus>().FirstOrDefault(s => Name(s) == text, (PostStatus)(-1)) is var status && Enum.IsDefined(status)
            ? status
            : throw ProblemException.BadRequest(
                $"Unknown status '{text}'. Use one of: {string.Join(", ", Enum.GetValues<PostStatus>().Select(Name))}.");
}
