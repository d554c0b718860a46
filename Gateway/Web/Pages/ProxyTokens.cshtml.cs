using Gateway.Accounts;
using Gateway.Auth;
using Gateway.Proxy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>
/// Mastodon proxy tokens, per account the user posts for: create one (shown on that response only), list, revoke.
/// Admins see everyone's tokens of every account. Editors and admins only: a proxy token posts.
/// </summary>
[Authorize(Policy = Policies.Editor)]
public sealed class ProxyTokensModel(ProxyTokenStore tokens, AccountStore accounts) : GatewayPage
{
    [BindProperty] public string? Account { get; set; }

    [BindProperty] public string? Name { get; set; }

    /// <summary>Each account the user may post for, with its tokens not revoked.</summary>
    public IReadOnlyList<(Account Account, IReadOnlyList<ProxyToken> Tokens)> Accounts { get; private set; } = [];

    /// <summary>The token just created and its secret: rendered into this one response, kept nowhere else.</summary>
    public (ProxyToken Token, string Secret)? Created { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        Created = await tokens.CreateAsync(Me, Account ?? "", Name, cancellationToken: ct);
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        Name = null;
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostRevokeAsync(string? id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var revoked = await tokens.RevokeAsync(Me, Account ?? "", id ?? "", ct);
        return Done(NoticeKind.Success, $"Proxy token '{revoked.Name}' of {revoked.User} on {revoked.Account} is revoked: the app using it is signed out.", "/ProxyTokens");
    }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        var list = new List<(Account, IReadOnlyList<ProxyToken>)>();
        foreach (var account in (await accounts.ListAsync(ct)).Where(a => PostAccess.MayWrite(Me, a)))
        {
            list.Add((account, await tokens.ListAsync(Me, account.Id, ct)));
        }
        Accounts = list;
    }
}
