using System.Globalization;
using Gateway.Rules.Text;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>
/// The post is written in another language than the account's (<c>account.language</c>), detected from the
/// stop words of the pack with <c>detector: language</c>. Silent when the text is too short or mixed to tell,
/// or when the account's language is not one the detector knows.
/// </summary>
public sealed class LanguageCheck(IRulePackSource packs) : ICheck
{
    public string Name => "language";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var set = packs.Current;
        var findings = new List<Finding>();
        foreach (var pack in set.Packs.Where(p => p.Options is Packs.Kinds.LanguagePack && p.AppliesTo(input.Account)))
        {
            var expected = LanguageDetector.Normalize(input.Account.Language);
            var guess = set.Analyze(input.Body).Language;
            if (guess?.Language is not { } detected || detected == expected || !((Packs.Kinds.LanguagePack)pack.Options).Stopwords.ContainsKey(new Packs.LanguageCode(expected)))
            {
                continue;
            }
            var second = guess.Scores.Where(s => s.Key != detected).Select(s => s.Value).DefaultIfEmpty(0).Max();
            var certainty = guess.Hits >= 6 && guess.Hits >= 3 * second ? 2 : 1;
            if (pack.Severity.For(certainty, input.Account) is not { } severity)
            {
                continue;
            }
            var evidence = new Dictionary<string, string>
            {
                ["language"] = detected,
                ["expected"] = expected,
                ["detected"] = LanguageName(detected),
                ["account-language"] = LanguageName(expected),
                ["certainty"] = certainty.ToString(CultureInfo.InvariantCulture),
                ["stopwords"] = guess.Hits.ToString(CultureInfo.InvariantCulture),
            };
            findings.Add(PackFindings.Create(pack, severity, 0, input.Body.Length, input.Body, evidence));
        }
        return PackFindings.Done(findings);
    }

    private static string LanguageName(string code)
    {
        try
        {
            return CultureInfo.GetCultureInfo(code).EnglishName;
        }
        catch (CultureNotFoundException)
        {
            return code;
        }
    }
}
