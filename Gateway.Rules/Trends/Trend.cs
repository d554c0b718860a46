namespace Gateway.Rules.Trends;

/// <summary>
/// A hashtag with a known context: what people mean by it right now (a live trend pushed by an admin or an
/// integration) or always (the static registry in <c>rules/hashtags.yml</c>). <see cref="Tag"/> has no '#'.
/// <see cref="Topic"/> names the topic pack the trend belongs to (<c>violence</c> for a shooting): while the trend is
/// live, that pack's findings weigh at least review (<see cref="SensitiveTopicCheck"/>).
/// </summary>
public sealed record Trend(string Tag, string Context, string Sensitivity, IReadOnlyList<string> Keywords, DateTimeOffset? ExpiresAt, string Source,
    string? Topic = null)
{
    /// <summary>Networks match hashtags without regard to case; so does the gateway.</summary>
    public static string Key(string tag) => tag.TrimStart('#').Trim().ToLowerInvariant();

    public bool ActiveAt(DateTimeOffset now) => ExpiresAt is null || ExpiresAt > now;
}

/// <summary>The trends a check should know now. The host combines the registry with the live ones it stores.</summary>
public interface ITrendSource
{
    IReadOnlyList<Trend> Current { get; }

    /// <summary>What each sensitivity weighs, from <c>rules/hashtags.yml</c>.</summary>
    IReadOnlyDictionary<string, Severity> Sensitivities { get; }
}
