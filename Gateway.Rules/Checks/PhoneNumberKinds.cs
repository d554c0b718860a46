using System.Collections.Frozen;
using PhoneNumbers;

namespace Gateway.Rules.Checks;

/// <summary>
/// Phone numbers by kind, read with libphonenumber in the account's region: a mobile or personal number is someone's
/// own (certainty 3), a fixed line may be (2), toll-free, shared-cost, premium-rate and service numbers are meant
/// to be published (1), and the account's own published numbers are not reported at all.
/// </summary>
public static class PhoneNumberKinds
{
    // Fewer digits than the shortest national number in any region we serve: skip the matcher (most posts).
    private const int MinDigits = 7;

    // libphonenumber gives up after this many candidates that are not numbers; a post is short.
    private const int MaxTries = 32;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static readonly IReadOnlySet<string> SupportedRegions = Util.GetSupportedRegions().ToFrozenSet(StringComparer.Ordinal);

    // Where a language's main region is not its own code in capitals (CLDR likely subtags, which .NET does not
    // expose); for the rest "de" → DE, "nl" → NL, "lv" → LV. English defaults to the United Kingdom.
    private static readonly FrozenDictionary<string, string> LanguageRegions = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["en"] = "GB", ["nb"] = "NO", ["nn"] = "NO", ["no"] = "NO", ["da"] = "DK", ["sv"] = "SE", ["et"] = "EE",
        ["cs"] = "CZ", ["el"] = "GR", ["uk"] = "UA", ["ja"] = "JP", ["ko"] = "KR", ["zh"] = "CN", ["ga"] = "IE",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>The account's region setting, else the region of its language tag ("nb-NO", "en-IE"), else its language's main region; "ZZ" (only +-numbers) if none.</summary>
    public static string RegionOf(AccountProfile account) => account.Region ?? RegionOfLanguage(account.Language);

    public static string RegionOfLanguage(string language)
    {
        var parts = language.Split('-');
        foreach (var part in parts.Skip(1))
        {
            if (part.Length == 2 && SupportedRegions.Contains(part.ToUpperInvariant()))
            {
                return part.ToUpperInvariant();
            }
        }
        if (LanguageRegions.TryGetValue(parts[0], out var region))
        {
            return region;
        }
        var own = parts[0].ToUpperInvariant();
        return SupportedRegions.Contains(own) ? own : "ZZ";
    }

    /// <summary>The number in E.164 ("+4930123456"), or null when <paramref name="text"/> is not a valid number in <paramref name="region"/>.</summary>
    public static string? Normalize(string text, string region)
    {
        try
        {
            var number = Util.Parse(text, region);
            return Util.IsValidNumber(number) ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    public static IEnumerable<PrivacySpan> Find(string text, AccountProfile account)
    {
        if (PrivacyDetectors.DigitCount(text) < MinDigits)
        {
            yield break;
        }
        foreach (var match in Util.FindNumbers(text, RegionOf(account), PhoneNumberUtil.Leniency.VALID, MaxTries))
        {
            var number = match.Number;
            if (account.Phones.Count > 0 && account.Phones.Contains(Util.Format(number, PhoneNumberFormat.E164), StringComparer.Ordinal))
            {
                continue;
            }
            var (certainty, kind) = Util.GetNumberType(number) switch
            {
                PhoneNumberType.MOBILE => (3, "mobile"),
                PhoneNumberType.FIXED_LINE_OR_MOBILE => (3, "fixed-line-or-mobile"),
                PhoneNumberType.PERSONAL_NUMBER => (3, "personal"),
                PhoneNumberType.PAGER => (3, "pager"),
                PhoneNumberType.TOLL_FREE => (1, "toll-free"),
                PhoneNumberType.SHARED_COST => (1, "shared-cost"),
                PhoneNumberType.PREMIUM_RATE => (1, "premium-rate"),
                PhoneNumberType.UAN => (1, "service"),
                PhoneNumberType.FIXED_LINE => (2, "fixed-line"),
                PhoneNumberType.VOIP => (2, "voip"),
                var other => (2, other.ToString().ToLowerInvariant().Replace('_', '-')),
            };
            yield return new PrivacySpan(match.Start, match.Length, certainty, kind, Util.GetRegionCodeForNumber(number));
        }
    }
}
