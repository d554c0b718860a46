using System.Text.RegularExpressions;

namespace Gateway.Accounts;

/// <summary>The body of <c>POST /api/accounts</c> and <c>PUT /api/accounts/{id}</c>.</summary>
public sealed record AccountRequest(
    string? Id,
    string? Network,
    string? Kind,
    string? Language,
    IReadOnlyList<string>? Editors,
    PublisherSettings? Publisher)
{
    /// <summary>Checks everything that can be checked without the database and returns the normalised values.</summary>
    public (string Network, string Kind, string Language, string[] Editors, PublisherSettings Publisher) Validate()
    {
        var network = Names.Require(Network, "Network");
        var kind = Kind?.Trim().ToLowerInvariant() switch
        {
            Account.Brand => Account.Brand,
            Account.Personal => Account.Personal,
            _ => throw ProblemException.BadRequest($"Account kind '{Kind}' is not valid: use 'brand' or 'personal'."),
        };
        var language = Language?.Trim() ?? "";
        if (!Regex.IsMatch(language, "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"))
        {
            throw ProblemException.BadRequest($"Language '{Language}' is not a language tag such as 'en', 'de' or 'nb-NO'.");
        }
        var editors = (Editors ?? []).Select(e => Names.Require(e, "Editor name")).Distinct().ToArray();
        var publisher = Publisher ?? PublisherSettings.Default;
        publisher = publisher.Type?.Trim().ToLowerInvariant() switch
        {
            PublisherSettings.Outbox => PublisherSettings.Default,
            PublisherSettings.Webhook when Uri.TryCreate(publisher.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                => new PublisherSettings(PublisherSettings.Webhook, url.ToString()),
            PublisherSettings.Webhook => throw ProblemException.BadRequest("A webhook publisher needs an absolute http(s) 'url'."),
            _ => throw ProblemException.BadRequest($"Publisher type '{publisher.Type}' is not known: use 'outbox' or 'webhook'."),
        };
        return (network, kind, language, editors, publisher);
    }
}
