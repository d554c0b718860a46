using Gateway.Accounts;

namespace Gateway.Publishing.X;

/// <summary>
/// X's OAuth 2.0 authorization code flow with PKCE (docs.x.com, "OAuth 2.0 Authorization Code Flow with PKCE"): consent
/// at <see cref="XOptions.AuthorizeUrl"/>, tokens at <c>{BaseUrl}/2/oauth2/token</c>, the client's secret as HTTP Basic
/// when it is a confidential client. Access tokens last two hours; <c>offline.access</c> adds a refresh token, which X
/// replaces on every renewal.
/// </summary>
public sealed class XAuthorization(IHttpClientFactory clients, GatewayOptions options, TimeProvider time) : INetworkAuthorization
{
    /// <summary>Post, read the account's own name (the connection check), and stay connected past two hours.</summary>
    public const string Scopes = "tweet.read tweet.write users.read offline.access media.write";

    public string Type => PublisherSettings.X;

    private XOptions X => options.Publishing.X;

    public Task<Authorization> BeginAsync(Account account, Uri redirectUri, string state, string codeChallenge, CancellationToken cancellationToken) =>
        Task.FromResult(new Authorization(OAuthTokens.AuthorizeUrl(X.AuthorizeUrl,
        [
            ("response_type", "code"),
            ("client_id", ClientId ?? throw ProblemException.Conflict(NoClient)),
            ("redirect_uri", redirectUri.ToString()),
            ("scope", Scopes),
            ("state", state),
            ("code_challenge", codeChallenge),
            ("code_challenge_method", "S256"),
        ])));

    public Task<Credentials> CompleteAsync(Account account, Uri redirectUri, string code, string codeVerifier, Credentials? client, CancellationToken cancellationToken) =>
        TokenAsync(
        [
            new("code", code),
            new("grant_type", "authorization_code"),
            new("client_id", ClientId ?? throw ProblemException.Conflict(NoClient)),
            new("redirect_uri", redirectUri.ToString()),
            new("code_verifier", codeVerifier),
        ], null, cancellationToken);

    public async Task<Credentials?> RefreshAsync(Account account, Credentials current, CancellationToken cancellationToken)
    {
        if (current.RefreshToken is null)
        {
            return null;
        }
        return await TokenAsync(
        [
            new("refresh_token", current.RefreshToken),
            new("grant_type", "refresh_token"),
            new("client_id", ClientId ?? throw new PublishException($"X: the access token expired and cannot be renewed: {NoClient}", PublishFailure.Unauthorized)),
        ], current, cancellationToken);
    }

    private string? ClientId => string.IsNullOrWhiteSpace(X.ClientId) ? null : X.ClientId;

    private const string NoClient = "no X app is configured: set Gateway:Publishing:X:ClientId (and Gateway:Publishing:X:ClientSecret for a confidential client).";

    private Task<Credentials> TokenAsync(KeyValuePair<string, string>[] form, Credentials? current, CancellationToken cancellationToken) =>
        OAuthTokens.RequestAsync(clients.CreateClient(NetworkCall.ClientName), new Uri(XPublisher.Api(options, "2/oauth2/token")), form,
            string.IsNullOrEmpty(X.ClientSecret) ? null : OAuthTokens.Basic(X.ClientId!, X.ClientSecret), "X", current, time, cancellationToken);
}
