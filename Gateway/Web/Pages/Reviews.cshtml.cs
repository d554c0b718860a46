using Gateway.Reviews;

namespace Gateway.Web.Pages;

/// <summary>The posts waiting for this reviewer, most urgent first, one line each, opened to judge them.</summary>
public sealed class ReviewsModel(ReviewService reviews) : GatewayPage
{
    public IReadOnlyList<InboxItem> Inbox { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Inbox = await reviews.InboxAsync(Me, ct);
}
