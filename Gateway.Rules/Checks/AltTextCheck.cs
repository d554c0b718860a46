using System.Globalization;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>
/// Images without alt text (<c>media.alt-missing</c>): people who use a screen reader get nothing from them. The
/// pack (<c>detector: alt-missing</c>) carries the message and the severity per account kind; an image with no
/// alt, or only blanks, is certainty 3. The finding is located at the image's alt text (<c>media[0].alt</c>).
/// </summary>
public sealed class AltTextCheck(IRulePackSource packs) : ICheck
{
    public string Name => "alt-text";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        foreach (var pack in packs.Current.Packs.Where(p => p.Options is Packs.Kinds.AltMissingPack && p.AppliesTo(input.Account)))
        {
            if (pack.Severity.For(3, input.Account) is not { } severity)
            {
                continue;
            }
            for (var i = 0; i < input.Media.Count; i++)
            {
                if (!string.IsNullOrWhiteSpace(input.Media[i].Alt))
                {
                    continue;
                }
                var evidence = new Dictionary<string, string>
                {
                    ["image"] = (i + 1).ToString(CultureInfo.InvariantCulture),
                    ["media"] = input.Media[i].Id,
                    ["certainty"] = "3",
                };
                findings.Add(PackFindings.Create(pack, severity, 0, 0, "", evidence) with { Location = CheckMedia.AltLocation(i) });
            }
        }
        return PackFindings.Done(findings);
    }
}
