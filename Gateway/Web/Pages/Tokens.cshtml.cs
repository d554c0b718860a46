using Gateway.Users;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages;

/// <summary>API tokens: each user creates (shown on that response only), lists and revokes their own; admins see and revoke anyone's.</summary>
public sealed class TokensModel(ApiTokenStore tokens, TimeProvider time) : GatewayPage
{
    [BindProperty]
    public string? Name { get; set; }

    /// <summary>A <c>datetime-local</c> value in the reader's zone; empty for a token that does not expire.</summary>
    [BindProperty]
    public string? ExpiresAt { get; set; }

    public IReadOnlyList<ApiToken> Mine { get; private set; } = [];

    /// <summary>Other users' tokens, for admins only.</summary>
    public IReadOnlyList<ApiToken> Others { get; private set; } = [];

    /// <summary>The token just created and its secret: rendered into this one response, kept nowhere else.</summary>
    public (ApiToken Token, string Secret)? Created { get; private set; }

    public TokenTable Table(IReadOnlyList<ApiToken> list, bool showUser, string labelledBy) => new(list, time.GetUtcNow(), showUser, Me.Name, labelledBy);

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var expiresAt = Display.ToIso(ExpiresAt, Zone) is { } iso ? Iso8601.Parse(iso, "expiresAt") : (DateTimeOffset?)null;
        Created = await tokens.CreateAsync(Me, Name, expiresAt, ct);
        // The page carries a secret: no cache may keep it, and the form starts empty for the next token.
        Response.Headers.CacheControl = "no-store";
        Response.Headers.Pragma = "no-cache";
        Name = null;
        ExpiresAt = null;
        ModelState.Clear();
        await LoadAsync(ct);
        return Page();
    }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostRevokeAsync(string? id, CancellationToken ct) => AttemptAsync(async () =>
    {
        var revoked = await tokens.RevokeAsync(id ?? "", Me, ct);
        return Done(NoticeKind.Success, $"Token '{revoked.Name}' of {revoked.User} is revoked: it no longer works.", "/Tokens");
    }, () => LoadAsync(ct));

    private async Task LoadAsync(CancellationToken ct)
    {
        Mine = await tokens.ListAsync(Me.Name, ct);
        Others = IsAdmin ? (await tokens.ListAsync(null, ct)).Where(t => t.User != Me.Name).ToArray() : [];
    }
}

/// <summary>One table of tokens (<c>_TokenTable</c>): the signed-in user's, or for admins everyone else's.</summary>
public sealed record TokenTable(IReadOnlyList<ApiToken> Tokens, DateTimeOffset Now, bool ShowUser, string Me, string LabelledBy);
