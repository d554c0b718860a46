using Gateway.Auth;
using Gateway.Users;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Gateway.Web;

/// <summary>What every page shares: who is signed in, and one way to show a refusal from the services.</summary>
public abstract class GatewayPage : PageModel
{
    /// <summary>Survives the redirect after a successful post (post/redirect/get).</summary>
    [TempData]
    public string? Notice { get; set; }

    /// <summary>The <see cref="NoticeKind"/> of <see cref="Notice"/>, by name (TempData keeps strings).</summary>
    [TempData]
    public string? NoticeKindName { get; set; }

    public NoticeKind NoticeKind => Enum.TryParse<NoticeKind>(NoticeKindName, out var kind) ? kind : NoticeKind.Success;

    /// <summary>
    /// A page's own script calls (the compose page's live check) are not the page a notice was left for: one that
    /// lands between a post's redirect and the page it leads to must not use the notice up.
    /// </summary>
    [NonHandler] // a filter hook, not a handler Razor Pages may map
    public override void OnPageHandlerExecuted(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutedContext context)
    {
        if (Request.Headers["X-Requested-With"] == "fetch")
        {
            TempData.Keep();
        }
    }

    /// <summary>Why the last action was refused, in the service's own words.</summary>
    public string? Error { get; protected set; }

    public User Me => User.ToUser();

    public bool IsAdmin => User.IsInRole(Role.Admin);

    public bool IsEditor => User.IsInRole(Role.Editor) || IsAdmin;

    public bool IsReviewer => User.IsInRole(Role.Reviewer) || IsAdmin;

    /// <summary>The reader's zone, which app.js keeps in a cookie; times typed into forms are read in it.</summary>
    public TimeZoneInfo Zone => Display.Zone(Request.Cookies["cg.tz"]);

    /// <summary>
    /// Runs an action; a <see cref="ProblemException"/> becomes <see cref="Error"/> on the page reloaded by
    /// <paramref name="reload"/>, so the user keeps what they typed and reads why.
    /// </summary>
    protected async Task<IActionResult> AttemptAsync(Func<Task<IActionResult>> action, Func<Task> reload)
    {
        try
        {
            return await action();
        }
        catch (ProblemException e)
        {
            Error = e.Detail;
            Response.StatusCode = e.Status;
            await reload();
            return Page();
        }
    }

    /// <summary>
    /// Loads what a page shows through <see cref="Auth.PostAccess"/>; a refusal answers as the role checks on pages
    /// do (the forbidden page), a missing post with 404. Null when the page may go on.
    /// </summary>
    protected async Task<IActionResult?> RefusalAsync(Func<Task> load)
    {
        try
        {
            await load();
            return null;
        }
        catch (ProblemException e) when (e.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return e.Status == StatusCodes.Status404NotFound ? NotFound() : Forbid();
        }
    }

    protected IActionResult Done(NoticeKind kind, string notice, string page, object? routeValues = null)
    {
        Notice = notice;
        NoticeKindName = kind.ToString();
        return RedirectToPage(page, routeValues);
    }
}
