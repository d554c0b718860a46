using Gateway.Rules;

namespace Gateway.Accounts;

/// <summary>How a post leaves the gateway: <c>outbox</c> (a local file, the default) or <c>webhook</c> (an HTTP POST).</summary>
public sealed record PublisherSettings(string Type, string? Url = null)
{
    public const string Outbox = "outbox";
    public const string Webhook = "webhook";

    public static readonly PublisherSettings Default = new(Outbox);
}

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

    [System.Text.Json.Serialization.JsonIgnore]
    public AccountProfile Profile => new(Id, Network, Kind, Language);
}
