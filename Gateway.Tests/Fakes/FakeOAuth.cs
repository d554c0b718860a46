using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A network's OAuth 2.0 server as RFC 6749 and 7636 describe it, with the network's own choices: how the client
/// authenticates at the token endpoint, whether PKCE is required, whether a refresh replaces the refresh token, how
/// long tokens last. Consent is given at once, as <see cref="ConsentAs"/>.
/// </summary>
public sealed class FakeOAuth(FakeOAuth.Rules rules)
{
    /// <param name="SecretInForm">LinkedIn: client_id and client_secret in the form. Otherwise (X) HTTP Basic when the client has a secret, client_id in the form when it has none.</param>
    /// <param name="RefreshOn">The scope that earns a refresh token (X's offline.access); null: always (LinkedIn with programmatic refresh).</param>
    public sealed record Rules(
        string ClientId,
        string? ClientSecret,
        bool SecretInForm,
        bool PkceRequired,
        bool RotatesRefresh,
        string? RefreshOn,
        TimeSpan AccessLifetime,
        TimeSpan? RefreshLifetime,
        string InvalidGrant);

    public sealed record Token(string Subject, string[] Scopes, DateTimeOffset ExpiresAt);

    private sealed record Grant(string Subject, string[] Scopes, string ClientId, string RedirectUri, string? Challenge, string? Method);

    private sealed record Refresh(string Subject, string[] Scopes, DateTimeOffset? ExpiresAt);

    private readonly ConcurrentDictionary<string, Token> _access = new();
    private readonly ConcurrentDictionary<string, Refresh> _refresh = new();
    private readonly ConcurrentDictionary<string, Grant> _codes = new();

    /// <summary>Whom the consent page signs in as.</summary>
    public string ConsentAs { get; set; } = "member-1";

    /// <summary>Every token the fake ever handed out, to look for where they must not be.</summary>
    public ConcurrentQueue<string> Issued { get; } = new();

    public int Refreshes;

    public (string Access, string? Refresh) Issue(string subject, string[] scopes, TimeSpan? lifetime = null, bool refresh = false)
    {
        var access = NewToken("at");
        _access[access] = new Token(subject, scopes, DateTimeOffset.UtcNow + (lifetime ?? rules.AccessLifetime));
        Issued.Enqueue(access);
        string? refreshToken = null;
        if (refresh)
        {
            refreshToken = NewToken("rt");
            _refresh[refreshToken] = new Refresh(subject, scopes, rules.RefreshLifetime is { } l ? DateTimeOffset.UtcNow + l : null);
            Issued.Enqueue(refreshToken);
        }
        return (access, refreshToken);
    }

    public void Revoke(string access) => _access.TryRemove(access, out _);

    public bool IsValidRefresh(string refresh) => _refresh.ContainsKey(refresh);

    /// <summary>The bearer token of the request, and whether it is unknown, expired or lacks <paramref name="scope"/>.</summary>
    public (Token? Token, string? Problem) Authenticate(HttpContext context, string scope)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal) || !_access.TryGetValue(header["Bearer ".Length..], out var token))
        {
            return (null, "invalid");
        }
        if (token.ExpiresAt <= DateTimeOffset.UtcNow)
        {
            return (null, "expired");
        }
        return token.Scopes.Contains(scope) ? (token, null) : (token, "scope");
    }

    public void Map(WebApplication app, string authorizePath, string tokenPath)
    {
        app.MapGet(authorizePath, (HttpContext context) =>
        {
            var q = context.Request.Query;
            var challenge = q["code_challenge"].ToString();
            var method = q["code_challenge_method"].ToString();
            if (q["response_type"] != "code" || q["client_id"] != rules.ClientId || string.IsNullOrEmpty(q["redirect_uri"]) || string.IsNullOrEmpty(q["state"])
                || string.IsNullOrEmpty(q["scope"]) || (rules.PkceRequired && string.IsNullOrEmpty(challenge)) || (challenge.Length > 0 && method is not ("S256" or "plain")))
            {
                return Results.BadRequest("Something went wrong: the authorization request is not valid.");
            }
            var code = NewToken("code");
            _codes[code] = new Grant(ConsentAs, q["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries), rules.ClientId, q["redirect_uri"]!,
                challenge.Length > 0 ? challenge : null, method);
            var redirect = q["redirect_uri"].ToString();
            return Results.Redirect($"{redirect}{(redirect.Contains('?') ? "&" : "?")}code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(q["state"]!)}");
        });
        app.MapPost(tokenPath, async (HttpContext context) =>
        {
            if (!context.Request.HasFormContentType)
            {
                return Refuse("invalid_request", "Content-Type must be application/x-www-form-urlencoded.");
            }
            var form = await context.Request.ReadFormAsync();
            if (!ClientAuthenticated(context, form))
            {
                return Results.Json(new { error = "invalid_client", error_description = "Client authentication failed." }, statusCode: 401);
            }
            switch (form["grant_type"].ToString())
            {
                case "authorization_code":
                    if (!_codes.TryRemove(form["code"].ToString(), out var grant) || grant.RedirectUri != form["redirect_uri"] || !Verified(grant, form["code_verifier"]))
                    {
                        return Refuse("invalid_request", rules.InvalidGrant);
                    }
                    return Answer(grant.Subject, grant.Scopes, rules.RefreshOn is null || grant.Scopes.Contains(rules.RefreshOn), null);
                case "refresh_token":
                    var old = form["refresh_token"].ToString();
                    if (!_refresh.TryGetValue(old, out var refresh) || refresh.ExpiresAt <= DateTimeOffset.UtcNow)
                    {
                        return Refuse("invalid_request", rules.InvalidGrant);
                    }
                    Interlocked.Increment(ref Refreshes);
                    if (rules.RotatesRefresh)
                    {
                        _refresh.TryRemove(old, out _);
                        return Answer(refresh.Subject, refresh.Scopes, true, null);
                    }
                    return Answer(refresh.Subject, refresh.Scopes, false, (old, refresh));
                default:
                    return Refuse("unsupported_grant_type", "The grant type is not supported.");
            }
        });
    }

    private IResult Answer(string subject, string[] scopes, bool newRefresh, (string Token, Refresh Refresh)? kept)
    {
        var (access, refresh) = Issue(subject, scopes, refresh: newRefresh);
        var refreshToken = refresh ?? kept?.Token;
        var refreshExpires = refresh is not null ? rules.RefreshLifetime : kept?.Refresh.ExpiresAt - DateTimeOffset.UtcNow;
        var answer = new Dictionary<string, object>
        {
            ["token_type"] = "bearer",
            ["access_token"] = access,
            ["expires_in"] = (long)rules.AccessLifetime.TotalSeconds,
            ["scope"] = string.Join(' ', scopes),
        };
        if (refreshToken is not null)
        {
            answer["refresh_token"] = refreshToken;
            if (refreshExpires is { } e)
            {
                answer["refresh_token_expires_in"] = (long)e.TotalSeconds;
            }
        }
        return Results.Json(answer);
    }

    private bool ClientAuthenticated(HttpContext context, IFormCollection form)
    {
        if (rules.SecretInForm)
        {
            return form["client_id"] == rules.ClientId && form["client_secret"] == rules.ClientSecret;
        }
        if (rules.ClientSecret is null)
        {
            return form["client_id"] == rules.ClientId;
        }
        var header = context.Request.Headers.Authorization.ToString();
        var expected = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rules.ClientId}:{rules.ClientSecret}"));
        return header == "Basic " + expected;
    }

    private static bool Verified(Grant grant, string? verifier)
    {
        if (grant.Challenge is null)
        {
            return true;
        }
        if (string.IsNullOrEmpty(verifier))
        {
            return false;
        }
        var computed = grant.Method == "plain" ? verifier : Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return computed == grant.Challenge;
    }

    private static IResult Refuse(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: 400);

    public static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string NewToken(string kind) => $"{kind}-{Base64Url(RandomNumberGenerator.GetBytes(24))}";
}
