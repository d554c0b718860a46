using Gateway.Posts;
using Gateway.Reviews;
using Gateway.Rules;
using Gateway.Rules.Checks;

namespace Gateway.Web.Pages;

/// <summary>The posts waiting for this reviewer, most urgent first, with what they need to judge them.</summary>
public sealed class ReviewsModel(ReviewService reviews) : GatewayPage
{
    public IReadOnlyList<InboxItem> Inbox { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Inbox = await reviews.InboxAsync(Me, ct);

    /// <summary>
    /// What the post's hashtags mean, once per tag, as the hashtag check found it: the context a reviewer needs
    /// before the brand rides a trend.
    /// </summary>
    public static IEnumerable<IReadOnlyDictionary<string, string>> HashtagContext(Post post) =>
        post.Findings.Where(f => f.Rule == HashtagContextCheck.RuleId && f.Evidence?.ContainsKey("tag") == true)
            .Select(f => f.Evidence!)
            .DistinctBy(e => e["tag"]);
}
