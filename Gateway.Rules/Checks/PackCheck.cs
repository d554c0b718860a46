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

    /// <summary>The body, then each image's alt text (published text too) with the packs whose scopes include <c>image-alt</c>.</summary>
    public virtual ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        bool Family(RulePack p) => p.Options is Packs.Kinds.TermPack && p.Rule.StartsWith(rulePrefix, StringComparison.Ordinal);
        var findings = PackFindings.From(set.Hits(set.Analyze(input.Body), input.Account, Family), input);
        for (var i = 0; i < input.Media.Count; i++)
        {
            if (input.Media[i].Alt is not { } alt || string.IsNullOrWhiteSpace(alt))
            {
                continue;
            }
            var hits = set.Hits(set.Analyze(alt), input.Account, p => Family(p) && ((Packs.Kinds.TermPack)p.Options).ScopeSet.Contains(Text.Scope.ImageAlt));
            findings = [.. findings, .. PackFindings.From(hits, input, i)];
        }
        return PackFindings.Done(findings);
    }
}
