using Gateway.Accounts;
using Gateway.Freeze;
using Gateway.Posts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>
/// The admins' crisis room: the kill switch, the freezes in force, the posts held by them (released in a
/// spaced-out trickle or cancelled, never in a burst), the statement fast lane and past incidents.
/// </summary>
public sealed class CrisisModel(
    KillSwitch killSwitch, FreezeStore freezes, PostStore posts, PostService service, AccountStore accounts, IncidentLog incidents) : GatewayPage
{
    public const int HeldLimit = 1000;

    public FreezeState State { get; private set; } = FreezeState.Of([]);

    public IReadOnlyList<Post> Held { get; private set; } = [];

    public IReadOnlyList<Post> Statements { get; private set; } = [];

    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public IReadOnlyList<Incident> Incidents { get; private set; } = [];

    /// <summary>Per-post outcome of the last bulk action, carried over its redirect and shown once.</summary>
    [TempData]
    public string? Results { get; set; }

    /// <summary>Typed into the freeze form; kept when the freeze is refused.</summary>
    public string? FreezeReason { get; private set; }

    public Task OnGetAsync(CancellationToken ct) => LoadAsync(ct);

    /// <summary>Freezes everything, or only the chosen accounts; the confirmation box is the second step of a two-step switch.</summary>
    public Task<IActionResult> OnPostFreezeAsync(string? reason, bool confirm, string[]? accounts, CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            FreezeReason = reason;
            if (!confirm)
            {
                throw ProblemException.BadRequest("Tick the confirmation box: a freeze stops publishing for everyone.");
            }
            var freeze = await killSwitch.FreezeAsync(reason, accounts, Me.Name, ct);
            return Done(NoticeKind.Danger, freeze.Global
                ? "Frozen: nothing will be published until the freeze is lifted."
                : $"Frozen: {string.Join(", ", freeze.Accounts)}.", "/Crisis");
        }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostUnfreezeAsync(string? id, string? reason, CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            var (lifted, held) = await killSwitch.UnfreezeAsync(id, reason, Me.Name, ct);
            return Done(held.Count == 0 ? NoticeKind.Success : NoticeKind.Warning,
                held.Count == 0 ? $"Unfrozen ({lifted.Scope}); no posts came due meanwhile." : $"Unfrozen ({lifted.Scope}). {held.Count} post(s) that came due stay held: release or cancel them below.",
                "/Crisis");
        }, () => LoadAsync(ct));

    /// <summary>A spacing left empty is a mistake, not zero: zero would send every held post at the same moment.</summary>
    public Task<IActionResult> OnPostReleaseAsync(string[]? ids, string? scheduledAt, string? spacingMinutes, CancellationToken ct) =>
        AttemptAsync(async () =>
        {
            if (!int.TryParse(spacingMinutes, out var spacing))
            {
                throw ProblemException.BadRequest("'Minutes apart' must be a whole number of minutes (0 sends them all at once).");
            }
            var results = await service.ReleaseAsync(new ReleasePosts(ids, Display.ToIso(scheduledAt, Zone), spacing), Me, ct);
            return Report("Released", results);
        }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostCancelAsync(string[]? ids, CancellationToken ct) =>
        AttemptAsync(async () => Report("Cancelled", await service.CancelAsync(new CancelPosts(ids), Me, ct)), () => LoadAsync(ct));

    private IActionResult Report(string what, IReadOnlyList<BulkResult> results)
    {
        // One line a post, "id|kind|outcome", so a refused one shows as the bad news it is.
        Results = string.Join("\n", results.Select(r => r.Error is { } error
            ? $"{r.Id}|{NoticeKind.Danger}|{error}"
            : $"{r.Id}|{(r.Status is { } status ? NoticeKinds.Of(PostTransitions.Parse(status)) : NoticeKind.Info)}|{(r.Status is { } s ? Display.StatusText(s) : "")}"));
        var done = results.Count(r => r.Error is null);
        var kind = done == results.Count ? NoticeKind.Success : done == 0 ? NoticeKind.Danger : NoticeKind.Warning;
        return Done(kind, $"{what} {done} of {results.Count} post(s).", "/Crisis");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        State = await freezes.GetAsync(ct);
        Held = await posts.ListAsync(PostStatus.Held, null, HeldLimit, ct);
        Statements = (await posts.ListAsync(PostStatus.PendingReview, null, HeldLimit, ct)).Where(p => p.CrisisStatement).ToArray();
        Accounts = await accounts.ListAsync(ct);
        Incidents = (await incidents.ListAsync(ct)).Take(20).ToArray();
    }
}
