using System.Security.Cryptography;
using System.Text;
using Dapper;
using Gateway.Audit;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Proxy;

/// <summary>
/// OAuth for Mastodon apps that only sign in that way: an app registers (<c>POST /api/v1/apps</c>: a client id and
/// secret, its redirect URIs, <c>urn:ietf:wg:oauth:2.0:oob</c> included), a gateway user signs in to the dashboard
/// and picks the account on <c>/oauth/authorize</c>, and the app trades the code for a proxy token at
/// <c>/oauth/token</c>. PKCE with S256 is required (Mastodon makes it optional; the gateway's tokens post for a
/// crisis team, so a stolen code must be worthless); <c>plain</c> and flows without it are refused.
/// </summary>
public sealed class ProxyOAuth(Database database, ProxyTokenStore tokens, Accounts.AccountStore accounts, UserStore users, AuditLog audit, ProxyOptions options, TimeProvider time)
{
    public const string OutOfBand = "urn:ietf:wg:oauth:2.0:oob";

    /// <summary>The scopes Mastodon knows at the top level; <c>read:…</c> and <c>write:…</c> narrow them.</summary>
    private static readonly string[] TopScopes = ["read", "write", "follow", "push", "profile"];

    // Doorkeeper (Mastodon's OAuth) refuses redirect URIs that would run in the page rather than open an app.
    private static readonly HashSet<string> ScriptSchemes = new(["javascript", "data", "vbscript"], StringComparer.OrdinalIgnoreCase);

    public sealed record App(string ClientId, string Name, string RedirectUris, string Scopes, string? Website)
    {
        public IReadOnlyList<string> Redirects => RedirectUris.Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    /// <summary>What an authorize link asks for, once its app and parameters are checked.</summary>
    public sealed record Grant(App App, string RedirectUri, string Scopes, string Challenge, string? State);

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/v1/apps", async (HttpContext c, ProxyOAuth oauth) =>
        {
            var request = await ProxyRequest.ReadAsync(c.Request, c.RequestAborted);
            var (registered, secret) = await oauth.RegisterAsync(request["client_name"], string.Join("\n", request.All("redirect_uris")), request["scopes"], request["website"], c.RequestAborted);
            return MastodonEntities.Ok(new
            {
                id = registered.ClientId, name = registered.Name, website = registered.Website, scopes = registered.Scopes.Split(' '),
                redirect_uri = registered.RedirectUris, redirect_uris = registered.Redirects,
                client_id = registered.ClientId, client_secret = secret, client_secret_expires_at = 0, vapid_key = "",
            });
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/oauth/token", async (HttpContext c, ProxyOAuth oauth) =>
        {
            var request = await ProxyRequest.ReadAsync(c.Request, c.RequestAborted);
            c.Response.Headers.CacheControl = "no-store";
            return await oauth.TokenAsync(request, c.RequestAborted);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        app.MapPost("/oauth/revoke", async (HttpContext c, ProxyOAuth oauth) =>
        {
            var request = await ProxyRequest.ReadAsync(c.Request, c.RequestAborted);
            return await oauth.RevokeAsync(request, c.RequestAborted);
        }).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
    }

    public async Task<(App App, string Secret)> RegisterAsync(string? name, string? redirectUris, string? scopes, string? website, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(name) || name.Length > 60)
        {
            problems.Add("Application name can't be blank (at most 60 characters)");
        }
        var redirects = (redirectUris ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (redirects.Length == 0)
        {
            problems.Add("Redirect URI can't be blank");
        }
        else if (redirects.FirstOrDefault(r => r != OutOfBand && !(Uri.TryCreate(r, UriKind.Absolute, out var u) && u.Fragment.Length == 0 && !ScriptSchemes.Contains(u.Scheme))) is { } bad)
        {
            problems.Add($"Redirect URI '{bad}' must be an absolute URI without a fragment, or {OutOfBand}; javascript:, data: and vbscript: are refused");
        }
        var granted = string.IsNullOrWhiteSpace(scopes) ? "read" : string.Join(' ', scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (granted.Split(' ').FirstOrDefault(s => !TopScopes.Contains(s.Split(':')[0])) is { } unknown)
        {
            problems.Add($"Scopes '{unknown}' is not a Mastodon scope");
        }
        if (problems.Count > 0)
        {
            throw MastodonRefusal.Unprocessable("Validation failed: " + string.Join(", ", problems));
        }
        var app = new App(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), name!.Trim(), string.Join('\n', redirects), granted, string.IsNullOrWhiteSpace(website) ? null : website.Trim());
        var secret = Tokens.Create();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO proxy_apps (client_id, secret_hash, name, redirect_uris, scopes, website, created_at)
            VALUES (@ClientId, @hash, @Name, @RedirectUris, @Scopes, @Website, @now)
            """, new { app.ClientId, hash = Tokens.Hash(secret), app.Name, app.RedirectUris, app.Scopes, app.Website, now = time.GetUtcNow() }, cancellationToken: cancellationToken));
        return (app, secret);
    }

    /// <summary>
    /// Checks an authorize link: the app, its redirect, the scopes it registered, and PKCE S256. A wrong client or
    /// redirect is shown on the page and never redirected to (the address may be an attacker's).
    /// </summary>
    public async Task<Grant> GrantAsync(string? clientId, string? redirectUri, string? responseType, string? scope, string? challenge, string? method, string? state,
        CancellationToken cancellationToken)
    {
        var app = await AppAsync(clientId, cancellationToken) ?? throw ProblemException.BadRequest("The app asking for access is not registered with this gateway (unknown client_id).");
        if (redirectUri is null || !app.Redirects.Contains(redirectUri))
        {
            throw ProblemException.BadRequest($"The redirect_uri is not one the app '{app.Name}' registered.");
        }
        if (responseType != "code")
        {
            throw ProblemException.BadRequest("Only response_type=code is supported.");
        }
        if (string.IsNullOrEmpty(challenge) || method != "S256")
        {
            throw ProblemException.BadRequest($"The app '{app.Name}' must use PKCE with code_challenge_method=S256 (plain and no PKCE are refused): ask its makers, or use a proxy token from the dashboard instead.");
        }
        var scopes = string.IsNullOrWhiteSpace(scope) ? app.Scopes : string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        if (scopes.Split(' ').FirstOrDefault(s => !app.Scopes.Split(' ').Contains(s) && !app.Scopes.Split(' ').Contains(s.Split(':')[0])) is { } beyond)
        {
            throw ProblemException.BadRequest($"The app asks for scope '{beyond}', which it did not register.");
        }
        return new Grant(app, redirectUri, scopes, challenge, state);
    }

    /// <summary>The signed-in user grants the app access to one account: a one-time code, bound to the PKCE challenge.</summary>
    public async Task<string> ApproveAsync(Grant grant, User user, string accountId, CancellationToken cancellationToken)
    {
        var account = await accounts.GetAsync(accountId, cancellationToken);
        if (account is null || !Auth.PostAccess.MayWrite(user, account))
        {
            throw ProblemException.Forbidden($"{user.Name} may not post for account '{accountId}'.");
        }
        var code = Tokens.Create();
        await database.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(
                """
                INSERT INTO proxy_codes (code_hash, client_id, user_name, account_id, redirect_uri, challenge, scopes, expires_at)
                VALUES (@hash, @client, @user, @account, @redirect, @challenge, @scopes, @expires)
                """,
                new
                {
                    hash = Tokens.Hash(code), client = grant.App.ClientId, user = user.Name, account = account.Id, redirect = grant.RedirectUri,
                    challenge = grant.Challenge, scopes = grant.Scopes, expires = time.GetUtcNow() + options.CodeLifetime,
                }, t);
            await audit.AppendAsync(c, t, user.Name, "proxy-app.authorized", account.Id, new { app = grant.App.Name, client = grant.App.ClientId, grant.Scopes });
            return true;
        }, cancellationToken);
        return code;
    }

    private async Task<IResult> TokenAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        if (request["grant_type"] != "authorization_code")
        {
            return OAuthError("unsupported_grant_type", "Only grant_type=authorization_code is supported: the gateway's tokens always act for a person and an account.");
        }
        var app = await ClientAsync(request, cancellationToken);
        if (app is null)
        {
            return OAuthError("invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.", 401);
        }
        if (request["code_verifier"] is not { } verifier)
        {
            return OAuthError("invalid_request", "PKCE is required: send the code_verifier of the code_challenge (S256).");
        }
        var code = request["code"] ?? "";
        var row = await database.InTransactionAsync(async (c, t) =>
        {
            var found = await c.QuerySingleOrDefaultAsync<CodeRow>(
                "SELECT client_id AS ClientId, user_name AS UserName, account_id AS AccountId, redirect_uri AS RedirectUri, challenge, scopes, expires_at AS ExpiresAt FROM proxy_codes WHERE code_hash = @hash",
                new { hash = Tokens.Hash(code) }, t);
            // One use, right or wrong: a code that was tried is gone, and only the request whose delete removed it may
            // use it (on PostgreSQL concurrent redemptions all read the row before either deletes it).
            var claimed = await c.ExecuteAsync("DELETE FROM proxy_codes WHERE code_hash = @hash", new { hash = Tokens.Hash(code) }, t);
            await c.ExecuteAsync("DELETE FROM proxy_codes WHERE expires_at < @now", new { now = time.GetUtcNow() }, t);
            return claimed == 1 ? found : null;
        }, cancellationToken);
        var challenge = System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (row is null || row.ClientId != app.ClientId || row.RedirectUri != request["redirect_uri"] || row.ExpiresAt < time.GetUtcNow()
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(row.Challenge), Encoding.ASCII.GetBytes(challenge)))
        {
            return OAuthError("invalid_grant", "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");
        }
        var user = await users.FindAsync(row.UserName, cancellationToken);
        if (user is null || user.DisabledAt is not null)
        {
            return OAuthError("invalid_grant", "The user who authorized the app is disabled.");
        }
        ProxyToken token;
        string secret;
        try
        {
            (token, secret) = await tokens.CreateAsync(user, row.AccountId, app.Name, app.ClientId, row.Scopes, cancellationToken);
        }
        catch (ProblemException e) when (e.Status is StatusCodes.Status403Forbidden or StatusCodes.Status404NotFound)
        {
            return OAuthError("invalid_grant", $"The grant no longer holds: {e.Detail}"); // taken off the account (or it is gone) since approving
        }
        return MastodonEntities.Ok(new { access_token = secret, token_type = "Bearer", scope = token.Scopes, created_at = token.CreatedAt.ToUnixTimeSeconds() });
    }

    private async Task<IResult> RevokeAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        var app = await ClientAsync(request, cancellationToken);
        if (app is null)
        {
            return OAuthError("invalid_client", "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.", 401);
        }
        if (request["token"] is { } token)
        {
            await tokens.RevokeSecretAsync(token, app.ClientId, cancellationToken);
        }
        return MastodonEntities.Ok(new { });
    }

    private async Task<App?> ClientAsync(ProxyRequest request, CancellationToken cancellationToken)
    {
        var app = await AppAsync(request["client_id"], cancellationToken);
        if (app is null || request["client_secret"] is not { } secret)
        {
            return null;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        var hash = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT secret_hash FROM proxy_apps WHERE client_id = @ClientId", new { app.ClientId }, cancellationToken: cancellationToken));
        return hash is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(hash), Encoding.ASCII.GetBytes(Tokens.Hash(secret))) ? app : null;
    }

    private async Task<App?> AppAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId))
        {
            return null;
        }
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<App>(new CommandDefinition(
            "SELECT client_id AS ClientId, name, redirect_uris AS RedirectUris, scopes, website FROM proxy_apps WHERE client_id = @clientId",
            new { clientId }, cancellationToken: cancellationToken));
    }

    /// <summary>OAuth's error body (RFC 6749 §5.2), which Mastodon's Doorkeeper answers: <c>error</c> is a code, the words in <c>error_description</c>.</summary>
    private static IResult OAuthError(string error, string description, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new { error, error_description = description }, statusCode: status);

    private sealed record CodeRow(string ClientId, string UserName, string AccountId, string RedirectUri, string Challenge, string Scopes, DateTimeOffset ExpiresAt);
}
