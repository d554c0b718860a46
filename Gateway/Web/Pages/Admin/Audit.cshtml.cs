using Gateway.Audit;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages.Admin;

/// <summary>The audit log, newest first, filtered by action, subject and actor, fifty entries a page.</summary>
public sealed class AuditModel(AuditLog audit) : GatewayPage
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Subject { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    /// <summary>The id of the last entry of the previous page.</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    public bool Filtered => Blank(Action) is not null || Blank(Subject) is not null || Blank(Actor) is not null;

    /// <summary>A full page suggests there is more; the link to it keeps the filters.</summary>
    public string? OlderLink => Entries.Count == PageSize
        ? Url.Page("/Admin/Audit", new { action = Blank(Action), subject = Blank(Subject), actor = Blank(Actor), before = Entries[^1].Id })
        : null;

    public string NewestLink => Url.Page("/Admin/Audit", new { action = Blank(Action), subject = Blank(Subject), actor = Blank(Actor) })!;

    public async Task OnGetAsync(CancellationToken ct) =>
        Entries = await audit.QueryAsync(PageSize, Before, Blank(Action), Blank(Subject), Blank(Actor), ct);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
