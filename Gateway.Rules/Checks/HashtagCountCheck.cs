using System.Globalization;

namespace Gateway.Rules;

/// <summary>
/// Too many hashtags for the network (<c>network.hashtags</c>): over a hard limit (Instagram refuses more than
/// 30) is certainty 3, over the advice (a handful reads as spam on X or LinkedIn) certainty 1.
/// </summary>
public sealed class HashtagCountCheck(IRulePackSource packs) : ICheck
{
    public string Name => "hashtag-count";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var findings = new List<Finding>();
        foreach (var pack in set.Packs.Where(p => p.Detector == "hashtag-count" && p.AppliesTo(input.Account)))
        {
            var hashtags = set.Analyze(input.Body).Hashtags;
            if (CountLimits.Exceeded(pack, input.Account.Network, hashtags.Count) is not (int limit, int certainty)
                || pack.Severity.For(certainty, input.Account) is not { } severity)
            {
                continue;
            }
            var first = hashtags[limit];
            var last = hashtags[^1];
            var evidence = new Dictionary<string, string>
            {
                ["network"] = input.Account.Network,
                ["count"] = hashtags.Count.ToString(CultureInfo.InvariantCulture),
                ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
                ["certainty"] = certainty.ToString(CultureInfo.InvariantCulture),
                ["limit-kind"] = certainty == 3 ? "are refused" : "start to read as spam",
            };
            findings.Add(PackFindings.Create(pack, severity, first.Start, last.End - first.Start, input.Body[first.Start..last.End], evidence));
        }
        return PackFindings.Done(findings);
    }
}
