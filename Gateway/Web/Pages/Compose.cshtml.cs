using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Freeze;
using Gateway.Posts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gateway.Web.Pages;

/// <summary>Writing a post, or changing one: findings come live from the same checks the queue runs.</summary>
public sealed class ComposeModel(PostService service, PostAccess access, AccountStore accounts, FreezeStore freezes) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Account { get; set; }

    /// <summary>As typed in a <c>datetime-local</c> field, in the reader's zone.</summary>
    [BindProperty]
    public string? ScheduledAt { get; set; }

    /// <summary>What the time field held when the edit form was drawn: an edit that leaves it alone keeps the exact instant.</summary>
    [BindProperty]
    public string? OriginalScheduledAt { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Statement { get; set; }

    public Post? Existing { get; private set; }

    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public FreezeState Freeze { get; private set; } = FreezeState.Of([]);

    public bool IsEdit => Id is not null;

    /// <summary>Before every handler: a post being edited is loaded only for a reader of it, so no form shows another account's text.</summary>
    [NonHandler] // not a handler named "HandlerExecution" for the HTTP method "PAGE", which Razor Pages would otherwise make of it
    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        context.Result = await RefusalAsync(() => LoadAsync(HttpContext.RequestAborted));
        if (context.Result is null)
        {
            await next();
        }
    }

    public void OnGet()
    {
        if (Existing is { } post)
        {
            (Account, Body, ScheduledAt) = (post.Account, post.Body, Display.ToLocalInput(post.ScheduledAt, Zone));
            OriginalScheduledAt = ScheduledAt;
        }
    }

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var post = IsEdit
            ? await service.EditAsync(Id!, new EditPost(Body ?? "", ScheduledAt == OriginalScheduledAt ? null : Display.ToIso(ScheduledAt, Zone)), Me, ct)
            : await service.SubmitAsync(new SubmitPost(Account, Body, Display.ToIso(ScheduledAt, Zone), Statement), Me, ct);
        var status = Display.StatusText(post.Status);
        var frozen = post.Frozen is null ? "" : " The account is frozen: it will be held, not published, until the freeze is lifted.";
        var kind = post.Frozen is null ? NoticeKinds.Of(post.Status) : NoticeKinds.Worst(NoticeKinds.Of(post.Status), NoticeKind.Warning);
        return Done(kind, $"{(IsEdit ? "Saved" : "Submitted")}: the post is {status}.{frozen}", "/Posts", new { id = post.Id });
    }, () => Task.CompletedTask);

    /// <summary>The live check behind the editor's typing: the findings partial, nothing saved.</summary>
    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        var account = Existing?.Account ?? Account;
        if (string.IsNullOrWhiteSpace(Body))
        {
            return Partial("_Findings", new FindingsView("", [], "Type the post to see its findings."));
        }
        try
        {
            var findings = await service.PreviewAsync(new CheckDraft(account, Body, Display.ToIso(ScheduledAt, Zone)), Me, ct);
            return Partial("_Findings", new FindingsView(Body, findings));
        }
        catch (ProblemException e)
        {
            Response.StatusCode = e.Status;
            return Partial("_Findings", new FindingsView(Body, [], e.Detail));
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Existing = IsEdit ? await access.ReadAsync(Id!, Me, ct) : null;
        Accounts = (await accounts.ListAsync(ct)).Where(a => PostAccess.MayWrite(Me, a)).ToArray();
        Freeze = await freezes.GetAsync(ct);
    }
}
