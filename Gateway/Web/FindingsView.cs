using Gateway.Rules;

namespace Gateway.Web;

/// <summary>
/// What <c>_Findings</c> shows: a body, the findings about it, and (for a live check) why there are none.
/// <c>Key</c> keeps element ids unique where several posts share a page.
/// </summary>
public sealed record FindingsView(string Body, IReadOnlyList<Finding> Findings, string? Error = null, bool ShowPreview = true, string Key = "post");
