using System.Text.RegularExpressions;
using Gateway.Rules;
using Gateway.Rules.Checks;

namespace Gateway.Accounts;

/// <summary>
/// Who an account is to its readers, for the checks: its handle (without '@') and brand or product names
/// (<c>account.wrong-account</c>), the region its phone numbers are read in (null: from its language), its own
/// published numbers in E.164 and the domains whose e-mail addresses are its own (<c>privacy.phone</c>, <c>privacy.email</c>).
/// </summary>
public sealed record AccountIdentity(
    string? Handle,
    IReadOnlyList<string> Names,
    string? Region,
    IReadOnlyList<string> Phones,
    IReadOnlyList<string> Domains)
{
    public const int MaxNames = 20;
    public const int MaxPhones = 20;
    public const int MaxDomains = 20;
    public const int MaxNameLength = 64;

    public static readonly AccountIdentity None = new(null, [], null, [], []);

    /// <summary>Checks and normalises what an account request says; throws a 400 problem naming the bad value.</summary>
    public static AccountIdentity Validate(string? handle, IReadOnlyList<string>? names, string? region, IReadOnlyList<string>? phones,
        IReadOnlyList<string>? domains, string language)
    {
        var validRegion = ValidRegion(region);
        var readIn = validRegion ?? PhoneNumberKinds.RegionOfLanguage(language);
        return new AccountIdentity(
            ValidHandle(handle),
            Distinct(Limit(names, MaxNames, "names").Select(ValidName)),
            validRegion,
            Distinct(Limit(phones, MaxPhones, "phones").Select(p => ValidPhone(p, readIn))),
            Distinct(Limit(domains, MaxDomains, "domains").Select(ValidDomain)));
    }

    public AccountProfile Apply(AccountProfile profile) =>
        profile with { Handle = Handle, Names = Names, Region = Region, Phones = Phones, Domains = Domains };

    private static IReadOnlyList<string> Limit(IReadOnlyList<string>? values, int max, string what) =>
        values?.Count > max
            ? throw ProblemException.BadRequest($"An account has at most {max} '{what}'; this one lists {values.Count}.")
            : values ?? [];

    private static string[] Distinct(IEnumerable<string> values) => values.Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static string? ValidHandle(string? handle)
    {
        if (string.IsNullOrWhiteSpace(handle))
        {
            return null;
        }
        var h = handle.Trim() is ['@', .. var rest] ? rest : handle.Trim();
        // One syntax for the networks we post to: X's letters, digits and '_', Mastodon's local part, a Bluesky domain handle.
        return Regex.IsMatch(h, @"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,62}[A-Za-z0-9_])?$")
            ? h
            : throw ProblemException.BadRequest(
                $"'{handle}' is not a 'handle': use up to 64 letters, digits, '_', '.' or '-' as in @acme_de or acme.bsky.social, without spaces or a second '@'.");
    }

    private static string ValidName(string? name)
    {
        var n = Regex.Replace(name ?? "", @"\s+", " ").Trim();
        return n.Length is >= 2 and <= MaxNameLength && !n.Any(char.IsControl) && n.Any(char.IsLetter)
            ? n
            : throw ProblemException.BadRequest(
                $"'{name}' in 'names' is not a brand or product name: use 2 to {MaxNameLength} characters with at least one letter.");
    }

    private static string? ValidRegion(string? region)
    {
        if (string.IsNullOrWhiteSpace(region))
        {
            return null;
        }
        var r = region.Trim().ToUpperInvariant();
        return PhoneNumberKinds.SupportedRegions.Contains(r)
            ? r
            : throw ProblemException.BadRequest($"'{region}' is not a 'region': use a country code such as GB, DE, NL, NO or LV.");
    }

    private static string ValidPhone(string? phone, string region) =>
        PhoneNumberKinds.Normalize(phone ?? "", region)
        ?? throw ProblemException.BadRequest(region == "ZZ"
            ? $"'{phone}' in 'phones' is not a phone number; write it with its country code, such as +49 30 1234567, or set the account's 'region'."
            : $"'{phone}' in 'phones' is not a valid phone number in {region}; write it with its country code if it is a number abroad.");

    private static string ValidDomain(string? domain)
    {
        var d = (domain ?? "").Trim().TrimStart('@').TrimEnd('.').ToLowerInvariant();
        return d.Length <= 253 && Regex.IsMatch(d, @"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
            ? d
            : throw ProblemException.BadRequest($"'{domain}' in 'domains' is not a domain name such as acme.com.");
    }
}
