namespace Gateway.Rules;

/// <summary>
/// Religion, politics, sex, violence and weapons, death and tragedy, alcohol and drugs, profanity,
/// discrimination: every <c>topic.*</c> pack in <c>rules/topics/</c>. Rule ids are the packs' (<c>topic.violence</c>, …).
/// </summary>
public sealed class SensitiveTopicCheck(IRulePackSource packs) : PackCheck(packs, RulePrefix)
{
    public const string RulePrefix = "topic.";

    public override string Name => "sensitive-topics";
}
