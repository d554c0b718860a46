namespace Gateway.Rules;

/// <summary>
/// Personal data and confidential information (<c>privacy.*</c>): Luhn-valid payment cards, checksum-valid
/// IBANs, e-mail addresses and phone numbers (detector packs), requests to send a card or password by direct
/// message and internal code names (term and pattern packs in <c>rules/privacy/</c>). Numbers inside links are
/// not reported (tracking ids look like card numbers); code blocks are, since they are published too.
/// </summary>
public sealed class PrivacyCheck(IRulePackSource packs) : ICheck
{
    public const string RulePrefix = "privacy.";

    private static readonly string[] DetectorOrder = ["payment-card", "iban", "email", "phone"];

    public string Name => "privacy";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var analysis = set.Analyze(input.Body);
        var findings = new List<Finding>(PackFindings.From(
            set.Hits(analysis, input.Account, p => p.Detector is null && p.Rule.StartsWith(RulePrefix, StringComparison.Ordinal)),
            input));

        var claimed = new List<(int Start, int Length)>();
        var detectorPacks = set.Packs
            .Where(p => p.Detector is not null && DetectorOrder.Contains(p.Detector) && p.AppliesTo(input.Account))
            .OrderBy(p => Array.IndexOf(DetectorOrder, p.Detector));
        foreach (var pack in detectorPacks)
        {
            var spans = pack.Detector switch
            {
                "payment-card" => PrivacyDetectors.PaymentCards(input.Body),
                "iban" => PrivacyDetectors.Ibans(input.Body),
                "email" => PrivacyDetectors.Emails(input.Body),
                _ => PrivacyDetectors.Phones(input.Body),
            };
            foreach (var (start, length) in spans)
            {
                var overlapsClaimed = claimed.Exists(c => c.Start < start + length && start < c.Start + c.Length);
                var inLink = pack.Detector != "email" && analysis.OverlapsScope(start, length, Text.Scope.Url);
                if (overlapsClaimed || inLink)
                {
                    continue;
                }
                claimed.Add((start, length));
                if (pack.Severity.For(3, input.Account) is { } severity)
                {
                    var match = input.Body.Substring(start, length);
                    findings.Add(PackFindings.Create(pack, severity, start, length, match, new Dictionary<string, string>
                    {
                        ["detector"] = pack.Detector!,
                        ["language"] = "any",
                        ["certainty"] = "3",
                        ["scope"] = PackFindings.ScopeName(analysis.ScopeAt(start)),
                    }));
                }
            }
        }
        return PackFindings.Done(findings);
    }
}
