using System.Text;
using Gateway.Freeze;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>
/// One incident (a freeze, seen afterwards) for the post-mortem: its report rendered, and the same Markdown as a
/// download the browser's session can fetch (the API takes bearer tokens only).
/// </summary>
public sealed class IncidentModel(IncidentLog incidents) : GatewayPage
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = "";

    public Incident Incident { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await incidents.GetAsync(Id, ct) is not { } incident)
        {
            return NotFound();
        }
        Incident = incident;
        return Page();
    }

    public async Task<IActionResult> OnGetMarkdownAsync(CancellationToken ct) =>
        await incidents.GetAsync(Id, ct) is { } incident
            ? File(Encoding.UTF8.GetBytes(incident.ToMarkdown()), "text/markdown; charset=utf-8", FileName(incident))
            : NotFound();

    /// <summary>Ids are the gateway's own, but the name is kept to safe characters whatever they become.</summary>
    public static string FileName(Incident incident) =>
        $"incident-{new string(incident.Id.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ToArray())}.md";
}
