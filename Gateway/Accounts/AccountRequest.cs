using System.Text.RegularExpressions;

namespace Gateway.Accounts;

/// <summary>
/// The body of <c>POST /api/accounts</c> and <c>PUT /api/accounts/{id}</c>. <c>handle</c>, <c>names</c>, <c>region</c>,
/// <c>phones</c> and <c>domains</c> are optional (see <see cref="AccountIdentity"/>); PUT replaces them like the rest.
/// </summary>
public sealed record AccountRequest(
    string? Id,
    string? Network,
    string? Kind,
    string? Language,
    IReadOnlyList<string>? Editors,
    PublisherRequest? Publisher,
    string? Handle = null,
    IReadOnlyList<string>? Names = null,
    string? Region = null,
    IReadOnlyList<string>? Phones = null,
    IReadOnlyList<string>? Domains = null)
{
    /// <summary>Checks everything that can be checked without the database and returns the normalised values.</summary>
    public (string Network, string Kind, string Language, string[] Editors, PublisherSettings Publisher, Credentials? Secret, AccountIdentity Identity) Validate()
    {
        var (publisher, secret) = (Publisher ?? new PublisherRequest(PublisherSettings.Outbox)).Validate();
        // A network publisher decides the network; any other names it freely (the outbox stands in for one in tests).
        var network = publisher.IsNetwork && string.IsNullOrWhiteSpace(Network) ? publisher.Type : Gateway.Names.Require(Network, "Network");
        if (publisher.IsNetwork && !string.Equals(network, publisher.Type, StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.BadRequest($"A {publisher.Type} publisher posts to {publisher.Type}, not '{Network}': leave 'network' out or set it to '{publisher.Type}'.");
        }
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
        var editors = (Editors ?? []).Select(e => Gateway.Names.Require(e, "Editor name")).Distinct().ToArray();
        var identity = AccountIdentity.Validate(Handle, Names, Region, Phones, Domains, language);
        return (publisher.IsNetwork ? publisher.Type : network, kind, language, editors, publisher, secret, identity);
    }
}

/// <summary>
/// An account's <c>publisher</c> as written: the public settings of its type and, optionally, the secret that
/// connects it (<c>accessToken</c>, or Bluesky's <c>appPassword</c>). Without a secret the stored one is kept
/// while the connection stays the same.
/// </summary>
public sealed record PublisherRequest(
    string? Type,
    string? Url = null,
    string? Instance = null,
    string? Service = null,
    string? Handle = null,
    string? Author = null,
    string? AccessToken = null,
    string? AppPassword = null)
{
    public const string DefaultBlueskyService = "https://bsky.social";

    public (PublisherSettings Settings, Credentials? Secret) Validate()
    {
        var type = Type?.Trim().ToLowerInvariant();
        var settings = type switch
        {
            PublisherSettings.Outbox => PublisherSettings.Default,
            PublisherSettings.Webhook => new PublisherSettings(type, Url: HttpUrl(Url, "A webhook publisher needs an absolute http(s) 'url'.").ToString()),
            PublisherSettings.Mastodon => new PublisherSettings(type,
                Instance: Origin(HttpUrl(Instance, "A mastodon publisher needs the 'instance' it posts to, such as https://mastodon.social."))),
            PublisherSettings.Bluesky => new PublisherSettings(type,
                Service: Origin(HttpUrl(Service ?? DefaultBlueskyService, "'service' is the Bluesky PDS, such as https://bsky.social.")),
                Handle: BlueskyHandle(Handle)),
            PublisherSettings.LinkedIn => new PublisherSettings(type, Author: LinkedInAuthor(Author)),
            PublisherSettings.X => new PublisherSettings(type),
            _ => throw ProblemException.BadRequest($"Publisher type '{Type}' is not known: use one of {string.Join(", ", PublisherSettings.Types)}."),
        };
        var accessToken = Secret(AccessToken, "accessToken");
        var appPassword = Secret(AppPassword, "appPassword");
        if (appPassword is not null && type != PublisherSettings.Bluesky)
        {
            throw ProblemException.BadRequest("Only a bluesky publisher takes an 'appPassword'; the other networks take an 'accessToken'.");
        }
        if (accessToken is not null && type is not (PublisherSettings.Mastodon or PublisherSettings.LinkedIn or PublisherSettings.X))
        {
            throw ProblemException.BadRequest(type == PublisherSettings.Bluesky
                ? "A bluesky publisher connects with an 'appPassword' (Settings → Privacy and security → App passwords), not an access token."
                : $"A {type} publisher takes no 'accessToken'.");
        }
        var secret = accessToken is not null ? new Credentials { AccessToken = accessToken }
            : appPassword is not null ? new Credentials { AppPassword = appPassword }
            : null;
        return (settings, secret);
    }

    private static Uri HttpUrl(string? value, string problem) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var url) && url.Scheme is "http" or "https" && url.UserInfo.Length == 0
            ? url
            : throw ProblemException.BadRequest(problem);

    // The API lives at the instance's root; a pasted profile or page URL still names the instance.
    private static string Origin(Uri url) => url.GetLeftPart(UriPartial.Authority);

    private static string BlueskyHandle(string? handle)
    {
        var h = handle?.Trim().TrimStart('@').ToLowerInvariant() ?? "";
        // The atproto handle syntax: a domain name of at least two labels.
        return Regex.IsMatch(h, @"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?$") && h.Length <= 253
            ? h
            : throw ProblemException.BadRequest($"'{handle}' is not a Bluesky handle such as acme.bsky.social.");
    }

    private static string LinkedInAuthor(string? author)
    {
        var a = author?.Trim() ?? "";
        return Regex.IsMatch(a, "^urn:li:(organization:[0-9]+|person:[A-Za-z0-9_-]+)$")
            ? a
            : throw ProblemException.BadRequest($"'author' must be the URN that posts, such as urn:li:organization:2414183 or urn:li:person:8675309, not '{author}'.");
    }

    private static string? Secret(string? value, string name) => value switch
    {
        null => null,
        _ when string.IsNullOrWhiteSpace(value) || value.Any(char.IsControl) || value.Length > 8192 =>
            throw ProblemException.BadRequest($"'{name}' is empty or not a token."),
        _ => value.Trim(),
    };
}
