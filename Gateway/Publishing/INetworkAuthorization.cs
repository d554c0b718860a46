using Gateway.Accounts;

namespace Gateway.Publishing;

/// <summary>
/// How a network grants the gateway an account through OAuth (authorization code, with PKCE where the network takes
/// it). <see cref="Accounts.Connect"/> runs the flow around it: state, the consent redirect, storing the grant.
/// </summary>
public interface INetworkAuthorization
{
    string Type { get; }

    /// <summary>
    /// Where to send the person to consent. Networks that register a client per connection (Mastodon registers an
    /// app on the instance) return it as <see cref="Authorization.Client"/>; it is kept, encrypted, with the pending
    /// authorization and handed back to <see cref="CompleteAsync"/>.
    /// </summary>
    Task<Authorization> BeginAsync(Account account, Uri redirectUri, string state, string codeChallenge, CancellationToken cancellationToken);

    /// <summary>Exchanges the code the network sent back for credentials (tokens, expiry, the client).</summary>
    Task<Credentials> CompleteAsync(Account account, Uri redirectUri, string code, string codeVerifier, Credentials? client, CancellationToken cancellationToken);

    /// <summary>
    /// Renews the access token from the refresh token before it expires; null when these credentials cannot be
    /// renewed (no refresh token, or a network whose tokens do not expire). Throws <see cref="PublishException"/>
    /// (<see cref="PublishFailure.Unauthorized"/> when the grant was revoked).
    /// </summary>
    Task<Credentials?> RefreshAsync(Account account, Credentials current, CancellationToken cancellationToken);
}

/// <param name="Url">The network's consent page for this request.</param>
/// <param name="Client">The client registered for this connection, when the network registers one.</param>
public sealed record Authorization(Uri Url, Credentials? Client = null);
