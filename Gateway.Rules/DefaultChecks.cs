using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;

namespace Gateway.Rules;

/// <summary>
/// The one place the host gets its checks from:
/// <code>
/// var packs = new RulePackWatcher(rulesDir);                 // or StaticRulePackSource.Load(rulesDir)
/// var pipeline = new CheckPipeline(DefaultChecks.Create(packs, NetworkLimits.Load(rulesDir)));
/// </code>
/// Every pack-based check reads <see cref="IRulePackSource.Current"/> on each run, so reloads apply to the next post.
/// With <paramref name="trends"/>, live trends that name a topic raise that topic's findings (<see cref="SensitiveTopicCheck"/>).
/// </summary>
public static class DefaultChecks
{
    public static IReadOnlyList<ICheck> Create(IRulePackSource packs, NetworkLimits limits, ITrendSource? trends = null) =>
    [
        new NetworkLengthCheck(limits),
        new NetworkMediaCheck(limits),
        new AltTextCheck(packs),
        new CountCheck(packs),
        new SensitiveTopicCheck(packs, trends),
        new PrivacyCheck(packs),
        new PersonalContentCheck(packs),
        new LanguageCheck(packs),
    ];
}
