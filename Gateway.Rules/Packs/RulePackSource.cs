namespace Gateway.Rules;

/// <summary>Where checks get the packs from on every run, so that a reload applies to the next post.</summary>
public interface IRulePackSource
{
    RulePackSet Current { get; }
}

/// <summary>A fixed set of packs (tests, the command line).</summary>
public sealed class StaticRulePackSource(RulePackSet packs) : IRulePackSource
{
    public RulePackSet Current { get; } = packs;

    public static StaticRulePackSource Load(string rulesDirectory) => new(RulePacks.Load(rulesDirectory));
}
