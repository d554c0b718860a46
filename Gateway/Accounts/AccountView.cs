namespace Gateway.Accounts;

/// <summary>An account as the API shows it: the publisher's public settings and connection state, never a secret.</summary>
public sealed record AccountView(
    string Id,
    string Network,
    string Kind,
    string Language,
    IReadOnlyList<string> Editors,
    AccountView.PublisherView Publisher,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? Handle,
    IReadOnlyList<string> Names,
    string? Region,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Domains)
{
    public sealed record PublisherView(
        string Type, string? Url, string? Instance, string? Service, string? Handle, string? Author,
        bool Connected, string? Identity, DateTimeOffset? CheckedAt, DateTimeOffset? ExpiresAt, bool NeedsReconnect, string? Problem);

    public static AccountView Of(Account a) => new(a.Id, a.Network, a.Kind, a.Language, a.Editors,
        new PublisherView(a.Publisher.Type, a.Publisher.Url, a.Publisher.Instance, a.Publisher.Service, a.Publisher.Handle, a.Publisher.Author,
            a.Connection.Connected, a.Connection.Identity, a.Connection.CheckedAt, a.Connection.ExpiresAt, a.Connection.Problem is not null, a.Connection.Problem),
        a.CreatedAt, a.UpdatedAt, a.Identity.Handle, a.Identity.Names, a.Identity.Region, a.Identity.Phones, a.Identity.Domains);
}
