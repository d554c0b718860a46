using Gateway.Rules.Packs;
using Gateway.Rules.Trends;

namespace Gateway.Rules.Checks;

/// <summary>
/// Religion, politics, sex, violence and weapons, death and tragedy, alcohol and drugs, profanity,
/// discrimination: every <c>topic.*</c> pack in <c>rules/topics/</c>. Rule ids are the packs' (<c>topic.violence</c>, …).
/// A live trend of sensitivity review or above that names a topic (<see cref="Trend.Topic"/>) raises that topic's
/// findings to at least review for as long as it is live, quoting its context: "gun" is a warning on a normal day
/// and a second opinion the day of a school shooting.
/// </summary>
public sealed class SensitiveTopicCheck(IRulePackSource packs, ITrendSource? trends = null) : PackCheck(packs, RulePrefix)
{
    public const string RulePrefix = "topic.";

    public override string Name => "sensitive-topics";

    /// <summary>A trend that goes live between approval and publication raises a topic: the fire-time gate must see it.</summary>
    public override bool RerunAtFireTime => trends is not null;

    /// <summary>The topic ids a trend may name: the loaded <c>topic.*</c> packs' rule ids without the prefix.</summary>
    public static IReadOnlyList<string> Topics(RulePackSet set) =>
        set.Packs.Where(p => p.Options is Packs.Kinds.TermPack && p.Rule.StartsWith(RulePrefix, StringComparison.Ordinal))
            .Select(p => p.Rule[RulePrefix.Length..]).Distinct().Order(StringComparer.Ordinal).ToArray();

    public override async ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var findings = await base.RunAsync(input, cancellationToken);
        if (trends is null || findings.Count == 0)
        {
            return findings;
        }
        var raising = trends.Current
            .Where(t => t.Topic is not null && t.ActiveAt(input.Now) && Weight(t) >= Severity.Review)
            .GroupBy(t => RulePrefix + t.Topic, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        return raising.Count == 0 ? findings : findings.Select(f => raising.TryGetValue(f.Rule, out var trend) ? Raise(f, trend) : f).ToArray();
    }

    // Unknown sensitivities cannot be pushed; a registry edit that drops one errs on the side of a second opinion.
    private Severity Weight(Trend trend) => trends!.Sensitivities.TryGetValue(trend.Sensitivity, out var s) ? s : Severity.Review;

    private static Finding Raise(Finding finding, Trend trend)
    {
        var evidence = new Dictionary<string, string>(finding.Evidence ?? new Dictionary<string, string>())
        {
            ["trend"] = "#" + trend.Tag,
            ["trendContext"] = trend.Context,
        };
        return finding with
        {
            Severity = finding.Severity > Severity.Review ? finding.Severity : Severity.Review,
            Message = $"{finding.Message} At least review while #{trend.Tag} is live: \"{trend.Context}\"",
            Evidence = evidence,
        };
    }
}
