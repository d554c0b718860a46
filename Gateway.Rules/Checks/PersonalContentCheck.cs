namespace Gateway.Rules;

/// <summary>
/// Personal content on an account that speaks for an organisation (<c>account.personal-content</c>): first-person
/// anecdotes, drinking, party slang, "my boss". The pack says which account kinds it applies to (brand).
/// </summary>
public sealed class PersonalContentCheck(IRulePackSource packs) : ICheck
{
    public const string RulePrefix = "account.";

    public string Name => "personal-content";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var hits = set.Hits(set.Analyze(input.Body), input.Account,
            p => p.Detector is null && p.Rule.StartsWith(RulePrefix, StringComparison.Ordinal));
        return PackFindings.Done(PackFindings.From(hits, input));
    }
}
