using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Freeze;
using Gateway.Posts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gateway.Web.Pages;

/// <summary>
/// Writing a post for one or several accounts, or changing one: findings, counters and network previews come live from
/// the same checks the queue runs. A draft is saved without being scheduled and submitted from here or its page.
/// </summary>
public sealed class ComposeModel(PostService service, PostAccess access, AccountStore accounts, FreezeStore freezes, Gateway.Rules.Checks.NetworkLimits limits,
    Media.MediaStore media) : GatewayPage
{
    public const string DraftIntent = "draft";

    /// <summary>The button that uploads the chosen files and shows the form again with them attached.</summary>
    public const string AttachIntent = "attach";

    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    /// <summary>The chosen accounts (<c>account</c>, repeated): one post each, a group when there are several.</summary>
    [BindProperty(SupportsGet = true, Name = "account")]
    public List<string> Chosen { get; set; } = [];

    /// <summary>Which button sent the form: <see cref="DraftIntent"/> saves a draft, anything else submits.</summary>
    [BindProperty]
    public string? Intent { get; set; }

    /// <summary>As typed in a <c>datetime-local</c> field, in the reader's zone.</summary>
    [BindProperty]
    public string? ScheduledAt { get; set; }

    /// <summary>What the time field held when the edit form was drawn: an edit that leaves it alone keeps the exact instant.</summary>
    [BindProperty]
    public string? OriginalScheduledAt { get; set; }

    [BindProperty]
    public string? Body { get; set; }

    /// <summary>The attached images in order, each an uploaded media id and the alt text typed for it.</summary>
    [BindProperty]
    public List<MediaRequest> Media { get; set; } = [];

    /// <summary>Images chosen to attach (<see cref="AttachIntent"/>).</summary>
    [BindProperty]
    public List<IFormFile> Upload { get; set; } = [];

    /// <summary>The index of an attached image to take off again.</summary>
    [BindProperty]
    public int? Remove { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Statement { get; set; }

    public Post? Existing { get; private set; }

    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public FreezeState Freeze { get; private set; } = FreezeState.Of([]);

    public bool IsEdit => Id is not null;

    public bool IsDraft => Existing?.Status == PostStatus.Draft;

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
            (Chosen, Body, ScheduledAt) = ([post.Account], post.Body, post.Untimed ? "" : Display.ToLocalInput(post.ScheduledAt, Zone));
            Media = [.. post.Media.Select(m => new MediaRequest(m.Id, m.Alt))];
            OriginalScheduledAt = ScheduledAt;
        }
    }

    public Task<IActionResult> OnPostAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        if (Intent == AttachIntent || Remove is not null)
        {
            return await AttachAsync(ct);
        }
        var draft = Intent == DraftIntent;
        if (IsEdit)
        {
            // A draft's time may be cleared; any other post keeps its exact instant unless the field was changed.
            var time = ScheduledAt == OriginalScheduledAt ? null : IsDraft && string.IsNullOrEmpty(ScheduledAt) ? "" : Display.ToIso(ScheduledAt, Zone);
            var edited = await service.EditAsync(Id!, new EditPost(Body ?? "", time, Media), Me, ct);
            if (edited.Status == PostStatus.Draft && !draft)
            {
                edited = await service.SubmitDraftAsync(edited.Id, null, Me, ct);
                return Done(NoticeKinds.Of(edited), $"Submitted: the post is {Display.StatusText(edited.Status)}.{Display.FrozenNote(edited)}", "/Posts", new { id = edited.Id });
            }
            return Done(NoticeKinds.Of(edited), $"Saved: the post is {Display.StatusText(edited.Status)}.{Display.FrozenNote(edited)}", "/Posts", new { id = edited.Id });
        }
        var when = Display.ToIso(ScheduledAt, Zone);
        if (Chosen.Count > 1)
        {
            var group = await service.SubmitGroupAsync(new SubmitPost(null, Body, when, Accounts: Chosen, Draft: draft, Media: Media), Me, ct);
            var each = string.Join(", ", group.Posts.Select(p => $"{p.Account} is {Display.StatusText(p.Status)}{(p.Frozen is null ? "" : " (frozen: held until the freeze is lifted)")}"));
            return Done(group.Posts.Select(NoticeKinds.Of).Aggregate(NoticeKind.Success, NoticeKinds.Worst), $"{(draft ? "Saved as drafts" : "Submitted")} for {group.Posts.Count} accounts: {each}.", "/Posts", new { id = group.Posts[0].Id });
        }
        var post = await service.SubmitAsync(new SubmitPost(Chosen.FirstOrDefault(), Body, when, Statement, Draft: draft, Media: Media), Me, ct);
        return Done(NoticeKinds.Of(post), $"{(draft ? "Saved as a draft" : "Submitted")}: the post is {Display.StatusText(post.Status)}.{Display.FrozenNote(post)}", "/Posts", new { id = post.Id });
    }, () => Task.CompletedTask);

    /// <summary>
    /// Uploads the chosen files (cleaned of location and device data as <c>POST /api/media</c> does) and draws the form
    /// again with them attached, or takes one off; nothing is saved as a post. The dashboard cannot call the API with
    /// its cookie, so the page does the upload itself, through the same store.
    /// </summary>
    private async Task<IActionResult> AttachAsync(CancellationToken ct)
    {
        if (Remove is { } index && index >= 0 && index < Media.Count)
        {
            Media.RemoveAt(index);
        }
        var removed = new List<string>();
        foreach (var file in Upload.Where(f => f.Length > 0))
        {
            var item = await media.UploadAsync(file, Me.Name, ct);
            Media.Add(new MediaRequest(item.Id, null));
            removed.AddRange(item.Removed);
        }
        ModelState.Clear(); // the form is drawn from the properties, with the new list
        (Notice, NoticeKindName) = removed.Count == 0 ? (null, null)
            : ($"Removed from the images before anything is published: {string.Join(", ", removed.Distinct())}.", nameof(NoticeKind.Info));
        return Page();
    }

    /// <summary>The live check behind the editor's typing: for each chosen account its findings, counter and preview; nothing saved.</summary>
    public async Task<IActionResult> OnPostCheckAsync(CancellationToken ct)
    {
        var chosen = Existing is { } post ? [post.Account] : Chosen.Where(a => !string.IsNullOrWhiteSpace(a)).Distinct().ToList();
        if (string.IsNullOrWhiteSpace(Body))
        {
            return Partial("_ComposeLive", new ComposeLiveView("", [], "Type the post to see its findings."));
        }
        if (chosen.Count == 0)
        {
            return Partial("_ComposeLive", new ComposeLiveView(Body, [], "Choose an account to see its findings."));
        }
        var targets = new List<ComposeTarget>();
        foreach (var id in chosen)
        {
            try
            {
                var findings = await service.PreviewAsync(new CheckDraft(id, Body, Display.ToIso(ScheduledAt, Zone), Media), Me, ct);
                var account = Accounts.First(a => a.Id == id.Trim()); // PreviewAsync let it through: the reader writes for it
                targets.Add(new ComposeTarget(account, findings, NetworkPreview.Of(account, Body, limits)));
            }
            catch (ProblemException e)
            {
                Response.StatusCode = e.Status;
                return Partial("_ComposeLive", new ComposeLiveView(Body, [], e.Detail));
            }
        }
        return Partial("_ComposeLive", new ComposeLiveView(Body, targets));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Existing = IsEdit ? await access.ReadAsync(Id!, Me, ct) : null;
        Accounts = (await accounts.ListAsync(ct)).Where(a => PostAccess.MayWrite(Me, a)).ToArray();
        Freeze = await freezes.GetAsync(ct);
    }
}
