using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>
/// A check that is nothing but the term and pattern packs of one rule family (<c>topic.</c>, <c>account.</c>):
/// the packs carry the words, severities and messages; the class only names the family.
/// </summary>
public abstract class PackCheck(IRulePackSource packs, string rulePrefix) : ICheck
{
    public abstract string Name { get; }

    public virtual bool RerunAtFireTime => false;

    public virtual ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var hits = set.Hits(set.Analyze(input.Body), input.Account,
            p => p.Options is Packs.Kinds.TermPack && p.Rule.StartsWith(rulePrefix, StringComparison.Ordinal));
        return PackFindings.Done(PackFindings.From(hits, input));
    }
}
