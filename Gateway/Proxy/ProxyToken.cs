namespace Gateway.Proxy;

/// <summary>
/// A Mastodon access token of the proxy as the dashboard and the API list it: never the token itself. It acts for
/// one user on one account; <see cref="ClientId"/> is the OAuth app that obtained it, null for one made by hand.
/// </summary>
public sealed record ProxyToken(string Id, string User, string Account, string Name, string? ClientId, string Scopes,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt);
