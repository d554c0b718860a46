namespace Gateway.Rules;

/// <summary>
/// The one place the host gets its checks from:
/// <code>
/// var packs = new RulePackWatcher(rulesDir);                 // or StaticRulePackSource.Load(rulesDir)
/// var pipeline = new CheckPipeline(DefaultChecks.Create(packs, NetworkLimits.Load(rulesDir)));
/// </code>
/// Every pack-based check reads <see cref="IRulePackSource.Current"/> on each run, so reloads apply to the next post.
/// </summary>
public static class DefaultChecks
{
    public static IReadOnlyList<ICheck> Create(IRulePackSource packs, NetworkLimits limits) =>
    [
        new NetworkLengthCheck(limits),
        new HashtagCountCheck(packs),
        new MentionCountCheck(packs),
        new SensitiveTopicCheck(packs),
        new PrivacyCheck(packs),
        new PersonalContentCheck(packs),
        new LanguageCheck(packs),
    ];
}
