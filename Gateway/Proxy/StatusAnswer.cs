using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Rules;

namespace Gateway.Proxy;

/// <summary>
/// The one place that turns a gateway post into what a Mastodon client is told, so that it always shows the truth:
/// <list type="bullet">
/// <item>published → 200 with the upstream Status (its real id and URL);</item>
/// <item>scheduled at the client's own <c>scheduled_at</c> → 200 ScheduledStatus, as Mastodon answers;</item>
/// <item>waiting (for review, held by a freeze, due now but not sent within the wait) → 202 ScheduledStatus with
/// <c>X-Gateway-Status</c>: accepted, not sent, not failed. Clients read a ScheduledStatus as "queued" and list it
/// under scheduled posts, where it can be cancelled; nothing in it invites sending a second copy;</item>
/// <item>blocked → 422 <c>{"error": the findings' messages}</c>, the post kept for its author to fix in the dashboard;</item>
/// <item>failed, rejected, expired, cancelled → 422 with the gateway's reason: it did not go out.</item>
/// </list>
/// </summary>
public sealed class StatusAnswer(PostStore posts, ProxyMedia media, UpstreamForwarder upstream, ProxyOptions options, TimeProvider time)
{
    public const string Header = "X-Gateway-Status";

    /// <summary>Set when a freeze covers the account: its reason, percent-encoded.</summary>
    public const string FrozenHeader = "X-Gateway-Frozen";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>What the client is told about <paramref name="post"/>; a post for "now" is given <see cref="ProxyOptions.PublishWait"/> to go out.</summary>
    public async Task<IResult> ForAsync(HttpContext context, ProxyCaller caller, Post post, bool clientScheduled, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + options.PublishWait;
        while (!clientScheduled && post.Status is PostStatus.Scheduled or PostStatus.Publishing && post.Frozen is null
            && post.ScheduledAt <= time.GetUtcNow() && time.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, time, cancellationToken);
            post = await posts.GetAsync(post.Id, cancellationToken) ?? post;
        }
        context.Response.Headers[Header] = PostTransitions.Name(post.Status);
        if (post.Frozen is { } freeze)
        {
            context.Response.Headers[FrozenHeader] = Uri.EscapeDataString(freeze.Reason); // a header is ASCII; the reason need not be
        }
        return post.Status switch
        {
            PostStatus.Published => MastodonEntities.Ok(await PublishedAsync(caller.Account, post, context, cancellationToken)),
            PostStatus.Scheduled when clientScheduled && post.Frozen is null => MastodonEntities.Ok(await ScheduledAsync(caller, post, context, cancellationToken)),
            PostStatus.Scheduled or PostStatus.Publishing or PostStatus.PendingReview or PostStatus.Held or PostStatus.Draft =>
                MastodonEntities.Ok(await ScheduledAsync(caller, post, context, cancellationToken), StatusCodes.Status202Accepted),
            PostStatus.Blocked => MastodonErrors.Result(StatusCodes.Status422UnprocessableEntity, Blocked(post), Details(post, context)),
            _ => MastodonErrors.Result(StatusCodes.Status422UnprocessableEntity,
                $"The gateway did not send the post ({PostTransitions.Name(post.Status)}): {post.StatusReason}", Details(post, context)),
        };
    }

    public async Task<object> ScheduledAsync(ProxyCaller caller, Post post, HttpContext context, CancellationToken cancellationToken)
    {
        var attachments = new List<object>();
        foreach (var image in post.Media)
        {
            if (await media.GetAsync(image.Id, caller.User.Name, cancellationToken) is { } found)
            {
                attachments.Add(MastodonEntities.MediaAttachment(found.Item, image.Alt, BaseUrl(context)));
            }
        }
        return MastodonEntities.ScheduledStatus(post, attachments);
    }

    /// <summary>The Status as the instance has it (its real id and URL), or made from the stored reference where the network is not Mastodon.</summary>
    private async Task<object> PublishedAsync(Account account, Post post, HttpContext context, CancellationToken cancellationToken) =>
        post.PublishRef is { } id && await upstream.GetAsync(account, $"/api/v1/statuses/{Uri.EscapeDataString(id)}", cancellationToken) is { } status
            ? status
            : MastodonEntities.PublishedElsewhere(post, MastodonEntities.Account(account, BaseUrl(context)));

    /// <summary>The statuses a client may list as its scheduled ones: waiting, not yet sent.</summary>
    public static bool Queued(Post post) => post.Status is PostStatus.Scheduled or PostStatus.PendingReview or PostStatus.Held;

    public static string BaseUrl(HttpContext context) => $"{context.Request.Scheme}://{context.Request.Host}";

    /// <summary>The blocking findings' messages, one sentence after another: what the client shows as the error.</summary>
    private static string Blocked(Post post)
    {
        var blocking = post.Findings.Where(f => f.Severity == Severity.Block).Select(f => f.Message.TrimEnd('.') + ".").ToArray();
        return blocking.Length > 0 ? string.Join(" ", blocking) : post.StatusReason ?? "The gateway's checks blocked the post.";
    }

    private static object Details(Post post, HttpContext context) => new
    {
        post = post.Id,
        status = PostTransitions.Name(post.Status),
        reason = post.StatusReason,
        dashboard = $"{BaseUrl(context)}/posts/{post.Id}",
        findings = post.Findings.Select(f => new { rule = f.Rule, severity = f.Severity.ToString().ToLowerInvariant(), message = f.Message }),
    };
}
