using System.Text.RegularExpressions;
using Gateway.Reviews;
using Gateway.Trends;

namespace Gateway.Web.Pages;

/// <summary>The posts waiting for this reviewer, most urgent first, with what they need to judge them.</summary>
public sealed class ReviewsModel(ReviewService reviews, TrendStore trends) : GatewayPage
{
    public IReadOnlyList<InboxItem> Inbox { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Inbox = await reviews.InboxAsync(Me, ct);

    /// <summary>What the hashtags in a post mean today: the context a reviewer needs before riding a trend.</summary>
    public IEnumerable<Gateway.Rules.Trend> TrendsIn(string body) =>
        trends.Current.Where(t => Regex.IsMatch(body, "#" + Regex.Escape(t.Tag) + @"(?![\p{L}\p{N}_])", RegexOptions.IgnoreCase));
}
