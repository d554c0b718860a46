using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Posts;
using Gateway.Reviews;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gateway.Web.Pages;

/// <summary>One post: its text and findings, its review and comment thread, and what the reader may do with it.</summary>
public sealed class PostsModel(
    PostAccess access, PostStore posts, AccountStore accounts, PostService service, ReviewService reviewService, ReviewStore reviews, ReviewPolicy policy) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public Post Post { get; private set; } = null!;

    public IReadOnlyList<Review> History { get; private set; } = [];

    public IReadOnlyList<Comment> Comments { get; private set; } = [];

    public IReadOnlyList<string> ApprovedBy { get; private set; } = [];

    /// <summary>The posts written with this one for other accounts (and this one) that the reader may see; empty when none.</summary>
    public IReadOnlyList<Post> Group { get; private set; } = [];

    /// <summary>An editor of the post's account (or an admin): may edit and cancel it.</summary>
    public bool MayWrite { get; private set; }

    /// <summary>Who wrote or changed the post: none of them may review it.</summary>
    public IReadOnlySet<string> Contributors { get; private set; } = new HashSet<string>();

    public ReviewFormView Review => new(Post, Contributors.Contains(Me.Name), IsReviewer && policy.MayReview(Post.Account, Me.Name), ApprovedBy, Typed.GetValueOrDefault("comment"));

    public void OnGet()
    {
    }

    /// <summary>Before every handler, the page or a form: only readers of the post get further, since a form can be posted without its page.</summary>
    [NonHandler] // not a handler named "HandlerExecution" for the HTTP method "PAGE", which Razor Pages would otherwise make of it
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        context.Result = await RefusalAsync(() => LoadAsync(HttpContext.RequestAborted));
        if (context.Result is null)
        {
            await next();
        }
    }

    /// <summary>What the reader typed into a form that was refused, given back to them.</summary>
    public Dictionary<string, string?> Typed { get; } = [];

    public Task<IActionResult> OnPostReviewAsync(string? verdict, string? comment, string? contentHash, CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            Typed["comment"] = comment;
            RequireRole(IsReviewer, "Only reviewers and admins give second opinions.");
            var post = await reviewService.ReviewAsync(Id, new ReviewRequest(verdict, comment, contentHash), Me, ct);
            var outcome = string.Equals(verdict?.Trim(), Reviews.Review.Reject, StringComparison.OrdinalIgnoreCase) ? "Rejected" : "Approved";
            return Done(NoticeKinds.Of(post.Status), $"{outcome}: the post is {Display.StatusText(post.Status)}.", "/Posts", new { id = Id });
        }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostCommentAsync(string? text, CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            Typed["text"] = text;
            await reviewService.CommentAsync(Id, new CommentRequest(text), Me, ct);
            return Done(NoticeKind.Success, "Comment added.", "/Posts", new { id = Id });
        }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostCancelAsync(CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            RequireRole(IsEditor, "Only editors and admins cancel posts.");
            await service.CancelAsync(Id, Me, ct);
            return Done(NoticeKind.Info, "Cancelled: the post will not be published.", "/Posts", new { id = Id });
        }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostSubmitAsync(CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            RequireRole(IsEditor, "Only editors and admins submit drafts.");
            var post = await service.SubmitDraftAsync(Id, null, Me, ct);
            return Done(NoticeKinds.Of(post), $"Submitted: the post is {Display.StatusText(post.Status)}.{Display.FrozenNote(post)}", "/Posts", new { id = Id });
        }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostOverrideAsync(string? reason, CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            Typed["reason"] = reason;
            RequireRole(IsAdmin, "Only admins override a block.");
            var post = await reviewService.OverrideAsync(Id, new OverrideRequest(reason), Me, ct);
            return Done(NoticeKind.Warning, $"Overridden: the post is {Display.StatusText(post.Status)}, and the override is audited.", "/Posts", new { id = Id });
        }, () => LoadAsync(ct));

    /// <summary>The same roles as the API, whatever the page showed: a form can be posted without its page.</summary>
    private static void RequireRole(bool allowed, string detail)
    {
        if (!allowed)
        {
            throw ProblemException.Forbidden(detail);
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var post = await access.ReadAsync(Id, Me, ct);
        Post = post;
        History = await reviews.HistoryAsync(Id, ct);
        Comments = await reviews.CommentsAsync(Id, ct);
        ApprovedBy = await reviews.ApproversAsync(Id, post.ContentHash, DateTimeOffset.MinValue, ct);
        Contributors = await posts.ContributorsAsync(Id, ct);
        MayWrite = await accounts.GetAsync(post.Account, ct) is { } account && PostAccess.MayWrite(Me, account);
        Group = post.Group is { } group ? (await service.GroupAsync(group, Me, ct)).Posts : [];
    }
}
