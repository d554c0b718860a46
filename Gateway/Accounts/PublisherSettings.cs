namespace Gateway.Accounts;

/// <summary>
/// How a post leaves the gateway, without its secrets (those are <see cref="Credentials"/>, stored encrypted apart):
/// <c>outbox</c> (a local file, the default), <c>webhook</c> (an HTTP POST to <see cref="Url"/>), or a network:
/// <c>mastodon</c> (<see cref="Instance"/>), <c>bluesky</c> (<see cref="Service"/> and <see cref="Handle"/>),
/// <c>linkedin</c> (<see cref="Author"/>), <c>x</c>.
/// </summary>
public sealed record PublisherSettings(
    string Type,
    string? Url = null,
    string? Instance = null,
    string? Service = null,
    string? Handle = null,
    string? Author = null)
{
    public const string Outbox = "outbox";
    public const string Webhook = "webhook";
    public const string Mastodon = "mastodon";
    public const string Bluesky = "bluesky";
    public const string LinkedIn = "linkedin";
    public const string X = "x";

    /// <summary>The choices offered on the account page, in that order.</summary>
    public static readonly IReadOnlyList<string> Types = [Mastodon, Bluesky, LinkedIn, X, Webhook, Outbox];

    /// <summary>The publishers that are a social network, named as <c>rules/networks.yml</c> names them.</summary>
    public static readonly IReadOnlyList<string> Networks = [Mastodon, Bluesky, LinkedIn, X];

    public static readonly PublisherSettings Default = new(Outbox);

    public bool IsNetwork => Networks.Contains(Type);

    /// <summary>Whether stored credentials still belong to these settings: a different instance or author needs new ones.</summary>
    public bool SameConnectionAs(PublisherSettings other) =>
        Type == other.Type && Instance == other.Instance && Service == other.Service && Handle == other.Handle && Author == other.Author;
}
