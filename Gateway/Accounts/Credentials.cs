namespace Gateway.Accounts;

/// <summary>
/// The secrets of an account's connection to its network. Stored encrypted by <see cref="ConnectionStore"/>, never in
/// an answer, a page, the audit or a log line (hence <see cref="ToString"/>).
/// </summary>
public sealed record Credentials
{
    /// <summary>The bearer token (Mastodon, LinkedIn, X) or Bluesky's session <c>accessJwt</c>.</summary>
    public string? AccessToken { get; init; }

    /// <summary>OAuth refresh token (X, LinkedIn) or Bluesky's <c>refreshJwt</c>.</summary>
    public string? RefreshToken { get; init; }

    /// <summary>When <see cref="AccessToken"/> stops working, where the network says.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When <see cref="RefreshToken"/> stops working, where the network says (LinkedIn).</summary>
    public DateTimeOffset? RefreshExpiresAt { get; init; }

    /// <summary>Bluesky app password: a new session can always be made from it.</summary>
    public string? AppPassword { get; init; }

    /// <summary>Whom the token speaks for on the network: Bluesky DID, X user id, Mastodon account id.</summary>
    public string? Subject { get; init; }

    /// <summary>The OAuth client the token was issued to (Mastodon registers one app per instance).</summary>
    public string? ClientId { get; init; }

    public string? ClientSecret { get; init; }

    public override string ToString() => "Credentials { *** }";
}
