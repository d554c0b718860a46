using Gateway.Rules.Packs;

namespace Gateway.Rules;

/// <summary>
/// What a check may know about the account a post goes to. The init-only settings are the account's identity:
/// its handle (no '@') and brand or product names (for <c>account.wrong-account</c>), the region its phone
/// numbers are read in (ISO 3166, null: from <see cref="Language"/>), its own published numbers (E.164) and the
/// domains whose e-mail addresses are its own (for <c>privacy.phone</c> and <c>privacy.email</c>).
/// </summary>
public sealed record AccountProfile(string Id, string Network, string Kind, string Language)
{
    public string? Handle { get; init; }
    public IReadOnlyList<string> Names { get; init; } = [];
    public string? Region { get; init; }
    public IReadOnlyList<string> Phones { get; init; } = [];
    public IReadOnlyList<string> Domains { get; init; } = [];
}

/// <summary>
/// Everything a check sees: the post's Markdown body, where it goes, when, the time of checking, and whether this is
/// the fire-time run (when cached answers about the outside world are too old to trust); and its images, in order.
/// </summary>
public sealed record CheckInput(string Body, AccountProfile Account, DateTimeOffset ScheduledAt, DateTimeOffset Now, CheckPhase Phase = CheckPhase.Submit)
{
    public IReadOnlyList<CheckMedia> Media { get; init; } = [];

    /// <summary>The text a finding's <see cref="Finding.Location"/> points into: the body (null), or an image's alt text.</summary>
    public string TextAt(string? location)
    {
        if (location is null)
        {
            return Body;
        }
        for (var i = 0; i < Media.Count; i++)
        {
            if (location == CheckMedia.AltLocation(i))
            {
                return Media[i].Alt ?? "";
            }
        }
        return "";
    }
}
