namespace Gateway.Users;

/// <summary>An API token as its owner and the admins see it: never the token itself, which exists only as a hash.</summary>
/// <param name="LastUsedAt">To the minute (<see cref="ApiTokenStore.LastUsedPrecision"/>).</param>
public sealed record ApiToken(string Id, string User, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt)
{
    public bool ExpiredAt(DateTimeOffset now) => ExpiresAt <= now;
}
