using Gateway.Rules;

namespace Gateway.Accounts;

/// <summary>A social account that posts go to, and who may write for it.</summary>
public sealed record Account(
    string Id,
    string Network,
    string Kind,
    string Language,
    IReadOnlyList<string> Editors,
    PublisherSettings Publisher,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string Brand = "brand";
    public const string Personal = "personal";

    /// <summary>Handle, names, region, own numbers and domains: what the checks know of the account.</summary>
    public AccountIdentity Identity { get; init; } = AccountIdentity.None;

    /// <summary>The state of the connection to the network (no secrets).</summary>
    public Connection Connection { get; init; } = Connection.None;

    [System.Text.Json.Serialization.JsonIgnore]
    public AccountProfile Profile => Identity.Apply(new(Id, Network, Kind, Language));
}

/// <summary>
/// What the gateway knows of an account's connection: whether it holds credentials, who the network last said they
/// belong to and when, when the access expires, and why it needs reconnecting, if it does.
/// </summary>
public sealed record Connection(bool Connected, string? Identity, DateTimeOffset? CheckedAt, DateTimeOffset? ExpiresAt, string? Problem)
{
    public static readonly Connection None = new(false, null, null, null, null);
}
