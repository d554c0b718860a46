namespace Gateway.Rules;

/// <summary>
/// Religion, politics, sex, violence and weapons, death and tragedy, alcohol and drugs, profanity,
/// discrimination: every <c>topic.*</c> pack in <c>rules/topics/</c>. Rule ids are the packs' (<c>topic.violence</c>, …).
/// </summary>
public sealed class SensitiveTopicCheck(IRulePackSource packs) : ICheck
{
    public const string RulePrefix = "topic.";

    public string Name => "sensitive-topics";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var hits = set.Hits(set.Analyze(input.Body), input.Account,
            p => p.Detector is null && p.Rule.StartsWith(RulePrefix, StringComparison.Ordinal));
        return PackFindings.Done(PackFindings.From(hits, input));
    }
}
