using Gateway.Users;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages.Admin;

/// <summary>Users and their roles: create one (its token is shown on this response only) or disable one.</summary>
public sealed class UsersModel(UserStore users) : GatewayPage
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Role { get; set; } = Gateway.Users.Role.Editor;

    public IReadOnlyList<User> Users { get; private set; } = [];

    /// <summary>The user just created and their token: rendered into this one response, kept nowhere else.</summary>
    public (User User, string Token)? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        Created = await users.CreateAsync(Name ?? "", Role ?? "", Me.Name, ct);
        // The page carries a secret: no cache may keep it, and the form starts empty for the next user.
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        Name = null;
        Role = Gateway.Users.Role.Editor;
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostDisableAsync(string? user, CancellationToken ct) => AttemptAsync(async () =>
    {
        await users.DisableAsync(user ?? "", Me.Name, ct);
        return Done(NoticeKind.Warning, $"User '{user}' is disabled: their token and sessions no longer work.", "/Admin/Users");
    }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct) => Users = await users.ListAsync(ct);
}
