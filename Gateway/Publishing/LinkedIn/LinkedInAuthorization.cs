using Gateway.Accounts;

namespace Gateway.Publishing.LinkedIn;

/// <summary>
/// LinkedIn's 3-legged OAuth (learn.microsoft.com/linkedin, "Authorization Code Flow"): consent at
/// <c>{OAuthUrl}/authorization</c>, tokens at <c>{OAuthUrl}/accessToken</c> with the app's client secret in the form.
/// The PKCE challenge goes along too: LinkedIn checks it where PKCE is enabled for the app, and OAuth servers ignore
/// parameters they do not know. Access tokens last 60 days; apps approved for programmatic refresh also get a refresh
/// token (<c>refresh_token_expires_in</c>, a year), which LinkedIn keeps the same on renewal.
/// </summary>
public sealed class LinkedInAuthorization(IHttpClientFactory clients, GatewayOptions options, TimeProvider time) : INetworkAuthorization
{
    /// <summary>An organization posts and is looked up by name (Community Management API).</summary>
    public const string OrganizationScopes = "w_organization_social rw_organization_admin";

    /// <summary>A member posts and is named by OpenID Connect's userinfo.</summary>
    public const string MemberScopes = "openid profile w_member_social";

    public string Type => PublisherSettings.LinkedIn;

    private LinkedInOptions LinkedIn => options.Publishing.LinkedIn;

    public Task<Authorization> BeginAsync(Account account, Uri redirectUri, string state, string codeChallenge, CancellationToken cancellationToken)
    {
        var (clientId, _) = Client(ProblemException.Conflict);
        return Task.FromResult(new Authorization(OAuthTokens.AuthorizeUrl(LinkedIn.OAuthUrl.TrimEnd('/') + "/authorization",
        [
            ("response_type", "code"),
            ("client_id", clientId),
            ("redirect_uri", redirectUri.ToString()),
            ("state", state),
            ("scope", account.Publisher.Author?.StartsWith("urn:li:organization:", StringComparison.Ordinal) == true ? OrganizationScopes : MemberScopes),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"),
        ])));
    }

    public Task<Credentials> CompleteAsync(Account account, Uri redirectUri, string code, string codeVerifier, Credentials? client, CancellationToken cancellationToken)
    {
        var (clientId, clientSecret) = Client(ProblemException.Conflict);
        return TokenAsync(
        [
            new("grant_type", "authorization_code"),
            new("code", code),
            new("client_id", clientId),
            new("client_secret", clientSecret),
            new("redirect_uri", redirectUri.ToString()),
            new("code_verifier", codeVerifier),
        ], null, cancellationToken);
    }

    public async Task<Credentials?> RefreshAsync(Account account, Credentials current, CancellationToken cancellationToken)
    {
        if (current.RefreshToken is null)
        {
            return null;
        }
        var (clientId, clientSecret) = Client(message =>
            new PublishException($"LinkedIn: the access token expired and cannot be renewed: {message}", PublishFailure.Unauthorized));
        return await TokenAsync(
        [
            new("grant_type", "refresh_token"),
            new("refresh_token", current.RefreshToken),
            new("client_id", clientId),
            new("client_secret", clientSecret),
        ], current, cancellationToken);
    }

    private (string Id, string Secret) Client(Func<string, Exception> missing) =>
        string.IsNullOrWhiteSpace(LinkedIn.ClientId) || string.IsNullOrWhiteSpace(LinkedIn.ClientSecret)
            ? throw missing("no LinkedIn app is configured: set Gateway:Publishing:LinkedIn:ClientId and Gateway:Publishing:LinkedIn:ClientSecret (developer portal, Auth tab).")
            : (LinkedIn.ClientId, LinkedIn.ClientSecret);

    private Task<Credentials> TokenAsync(KeyValuePair<string, string>[] form, Credentials? current, CancellationToken cancellationToken) =>
        OAuthTokens.RequestAsync(clients.CreateClient(NetworkCall.ClientName), new Uri(LinkedIn.OAuthUrl.TrimEnd('/') + "/accessToken"), form,
            null, "LinkedIn", current, time, cancellationToken);
}
