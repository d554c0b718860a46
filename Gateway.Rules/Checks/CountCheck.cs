using System.Globalization;
using Gateway.Rules.Packs;
using Gateway.Rules.Packs.Kinds;

namespace Gateway.Rules.Checks;

/// <summary>
/// Too many hashtags or mentions for the network (<c>extends: count</c> packs, <c>network.hashtags</c> and
/// <c>network.mentions</c>): over a hard limit (Instagram refuses more than 30 hashtags) is certainty 3, over the
/// advice (a handful reads as spam on X or LinkedIn) certainty 1. The finding spans the ones over the limit.
/// </summary>
public sealed class CountCheck(IRulePackSource packs) : ICheck
{
    public string Name => "count";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var findings = new List<Finding>();
        foreach (var pack in set.Packs.Where(p => p.Options is CountPack && p.AppliesTo(input.Account)))
        {
            var options = (CountPack)pack.Options;
            var analysis = set.Analyze(input.Body);
            var counted = options.Of == Countable.Hashtags ? analysis.Hashtags : analysis.Mentions;
            if (options.Exceeded(input.Account.Network, counted.Count) is not (int limit, int certainty)
                || pack.Severity.For(certainty, input.Account) is not { } severity)
            {
                continue;
            }
            var first = counted[limit];
            var last = counted[^1];
            var evidence = new Dictionary<string, string>
            {
                ["network"] = input.Account.Network,
                ["count"] = counted.Count.ToString(CultureInfo.InvariantCulture),
                ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
                ["certainty"] = certainty.ToString(CultureInfo.InvariantCulture),
                ["limit-kind"] = certainty == 3 ? "are refused" : "start to read as spam",
            };
            findings.Add(PackFindings.Create(pack, severity, first.Start, last.End - first.Start, input.Body[first.Start..last.End], evidence));
        }
        return PackFindings.Done(findings);
    }
}
