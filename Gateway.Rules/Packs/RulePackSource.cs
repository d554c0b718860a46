namespace Gateway.Rules.Packs;

/// <summary>Where checks get the packs from on every run, so that a reload applies to the next post.</summary>
public interface IRulePackSource
{
    RulePackSet Current { get; }

    /// <summary>When <see cref="Current"/> was loaded, and why a newer version of the files is not in use (if so).</summary>
    RulePackStatus Status { get; }
}

/// <summary>
/// <paramref name="Error"/> is the problem of the last reload when it failed (the packs in use are then older than
/// the files); null once a reload succeeds.
/// </summary>
public sealed record RulePackStatus(DateTimeOffset LoadedAt, RuleFileException? Error);

/// <summary>A fixed set of packs (tests, the command line).</summary>
public sealed class StaticRulePackSource(RulePackSet packs, DateTimeOffset loadedAt) : IRulePackSource
{
    public RulePackSet Current { get; } = packs;

    public RulePackStatus Status { get; } = new(loadedAt, null);

    public static StaticRulePackSource Load(string rulesDirectory, TimeProvider? time = null)
    {
        var packs = RulePacks.Load(rulesDirectory);
        return new(packs, (time ?? TimeProvider.System).GetUtcNow());
    }
}
