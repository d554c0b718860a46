using System.Globalization;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>Turns pack hits into findings: the pack's severity for this account and certainty, its message, and evidence.</summary>
internal static class PackFindings
{
    /// <param name="altOf">Null for hits in the body; the index of the image whose alt text the hits are in, which the message then names.</param>
    public static IReadOnlyList<Finding> From(IEnumerable<TermHit> hits, CheckInput input, int? altOf = null)
    {
        var location = altOf is { } index ? CheckMedia.AltLocation(index) : null;
        var text = input.TextAt(location);
        var findings = new List<Finding>();
        foreach (var hit in hits)
        {
            if (hit.Pack.Severity.For(hit.Certainty, input.Account) is not { } severity)
            {
                continue;
            }
            var match = text.Substring(hit.Start, hit.Length);
            var evidence = new Dictionary<string, string>
            {
                ["category"] = hit.Pack.Category,
                ["language"] = hit.Language,
                ["certainty"] = hit.Certainty.ToString(CultureInfo.InvariantCulture),
                ["term"] = hit.Term,
                ["scope"] = location ?? ScopeName(hit.Scope),
                ["pack"] = Path.GetFileName(hit.Pack.File),
            };
            var finding = Create(hit.Pack, severity, hit.Start, hit.Length, match, evidence);
            findings.Add(location is null ? finding : finding with { Location = location, Message = $"In the alt text of image {altOf + 1}: {finding.Message}" });
        }
        return findings;
    }

    public static Finding Create(RulePack pack, Severity severity, int start, int length, string match, Dictionary<string, string> evidence)
    {
        evidence.TryAdd("category", pack.Category);
        var values = new Dictionary<string, string>(evidence) { ["match"] = match };
        return new Finding(pack.Rule, severity, pack.Format(values), start, length, match, evidence);
    }

    public static string ScopeName(Text.Scope scope) => scope switch
    {
        Text.Scope.LinkText => "link-text",
        Text.Scope.ImageAlt => "image-alt",
        _ => scope.ToString().ToLowerInvariant(),
    };

    public static ValueTask<IReadOnlyList<Finding>> Done(IReadOnlyList<Finding> findings) => ValueTask.FromResult(findings);
}
