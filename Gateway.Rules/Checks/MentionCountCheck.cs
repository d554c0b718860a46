using System.Globalization;

namespace Gateway.Rules;

/// <summary>
/// Too many @mentions for the network (<c>network.mentions</c>): posts tagging many accounts read as spam and
/// some networks throttle them. Same pack shape as <see cref="HashtagCountCheck"/> with <c>detector: mention-count</c>.
/// </summary>
public sealed class MentionCountCheck(IRulePackSource packs) : ICheck
{
    public string Name => "mention-count";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var findings = new List<Finding>();
        foreach (var pack in set.Packs.Where(p => p.Detector == "mention-count" && p.AppliesTo(input.Account)))
        {
            var mentions = set.Analyze(input.Body).Mentions;
            if (CountLimits.Exceeded(pack, input.Account.Network, mentions.Count) is not (int limit, int certainty)
                || pack.Severity.For(certainty, input.Account) is not { } severity)
            {
                continue;
            }
            var first = mentions[limit];
            var last = mentions[^1];
            var evidence = new Dictionary<string, string>
            {
                ["network"] = input.Account.Network,
                ["count"] = mentions.Count.ToString(CultureInfo.InvariantCulture),
                ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
                ["certainty"] = certainty.ToString(CultureInfo.InvariantCulture),
                ["limit-kind"] = certainty == 3 ? "are refused" : "start to read as spam",
            };
            findings.Add(PackFindings.Create(pack, severity, first.Start, last.End - first.Start, input.Body[first.Start..last.End], evidence));
        }
        return PackFindings.Done(findings);
    }
}

internal static class CountLimits
{
    /// <summary>The limit a count goes over and its certainty (3 for a hard limit, 1 for advice), or null.</summary>
    public static (int Limit, int Certainty)? Exceeded(RulePack pack, string network, int count)
    {
        if (pack.Limits.TryGetValue(network, out var hard) && count > hard)
        {
            return (hard, 3);
        }
        if (pack.Advice.TryGetValue(network, out var advice) && count > advice)
        {
            return (advice, 1);
        }
        return null;
    }
}
