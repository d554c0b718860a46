using Gateway.Rules.Packs;
using Gateway.Rules.Packs.Kinds;

namespace Gateway.Rules.Checks;

/// <summary>
/// Personal data and confidential information (<c>privacy.*</c>): Luhn-valid payment cards, checksum-valid
/// IBANs, e-mail addresses and phone numbers by kind (detector packs; the detector's certainty says how personal
/// the data is, the pack's severity table what that weighs), requests to send a card or password by direct
/// message and internal code names (term and pattern packs in <c>rules/privacy/</c>). Numbers inside links are
/// not reported (tracking ids look like card numbers); code blocks are, since they are published too.
/// </summary>
public sealed class PrivacyCheck(IRulePackSource packs) : ICheck
{
    public const string RulePrefix = "privacy.";

    public string Name => "privacy";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var analysis = set.Analyze(input.Body);
        var findings = new List<Finding>(PackFindings.From(
            set.Hits(analysis, input.Account, p => p.Options is TermPack && p.Rule.StartsWith(RulePrefix, StringComparison.Ordinal)),
            input));

        var claimed = new List<(int Start, int Length)>();
        var detectorPacks = set.Packs
            .Where(p => p.Options is PersonalDataPack && p.AppliesTo(input.Account))
            .OrderBy(p => ((PersonalDataPack)p.Options).Detect);
        foreach (var pack in detectorPacks)
        {
            var detect = ((PersonalDataPack)pack.Options).Detect;
            var spans = detect switch
            {
                PersonalData.PaymentCard => PrivacyDetectors.PaymentCards(input.Body).Select(s => new PrivacySpan(s.Start, s.Length, 3)),
                PersonalData.Iban => PrivacyDetectors.Ibans(input.Body).Select(s => new PrivacySpan(s.Start, s.Length, 3)),
                PersonalData.Email => EmailAddresses.Find(input.Body, input.Account),
                _ => PhoneNumberKinds.Find(input.Body, input.Account),
            };
            foreach (var span in spans)
            {
                var (start, length) = (span.Start, span.Length);
                var overlapsClaimed = claimed.Exists(c => c.Start < start + length && start < c.Start + c.Length);
                var inLink = detect != PersonalData.Email && analysis.OverlapsScope(start, length, Text.Scope.Url);
                if (overlapsClaimed || inLink)
                {
                    continue;
                }
                claimed.Add((start, length));
                if (pack.Severity.For(span.Certainty, input.Account) is { } severity)
                {
                    var match = input.Body.Substring(start, length);
                    var evidence = new Dictionary<string, string>
                    {
                        ["detector"] = YamlBinder.Kebab(detect.ToString()),
                        ["language"] = "any",
                        ["certainty"] = span.Certainty.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["scope"] = PackFindings.ScopeName(analysis.ScopeAt(start)),
                    };
                    if (span.Kind is not null)
                    {
                        evidence["kind"] = span.Kind;
                    }
                    if (span.Region is not null)
                    {
                        evidence["region"] = span.Region;
                    }
                    findings.Add(PackFindings.Create(pack, severity, start, length, match, evidence));
                }
            }
        }
        return PackFindings.Done(findings);
    }
}
