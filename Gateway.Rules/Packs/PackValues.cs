using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules.Packs;

// The values with a syntax of their own that rule files share; each reads itself for YamlBinder.

/// <summary>A language code as packs write it: <c>en</c>, <c>de</c>, … or <c>any</c>.</summary>
public readonly record struct LanguageCode(string Value)
{
    private static readonly Regex Shape = new("^(any|[a-z]{2,3})$", RegexOptions.NonBacktracking);

    public static readonly LanguageCode English = new("en");

    public static LanguageCode FromYaml(YamlRuleFile file, YamlNode node)
    {
        var text = file.Scalar(node, "a language");
        return Shape.IsMatch(text)
            ? new LanguageCode(text)
            : throw file.Error(node, $"'{text}' is not a language code (en, de, nl, nb, lv, … or any)");
    }

    public override string ToString() => Value;
}

/// <summary>How sure a term or pattern is that the post is about the pack's topic: 1 maybe, 2 likely, 3 sure.</summary>
public readonly record struct Certainty(int Value)
{
    public static Certainty FromYaml(YamlRuleFile file, YamlNode node) =>
        int.TryParse(file.Scalar(node, "a certainty"), out var value) && value is >= 1 and <= 3
            ? new Certainty(value)
            : throw file.Error(node, "certainty must be 1 (maybe), 2 (likely) or 3 (sure)");
}

/// <summary>One severity for every certainty (<c>review</c>), or one per certainty (<c>{1: info, 3: block}</c>); <c>off</c> is null.</summary>
public sealed record SeverityLevels(IReadOnlyDictionary<int, Severity?> ByCertainty)
{
    public static SeverityLevels FromYaml(YamlRuleFile file, YamlNode node)
    {
        var table = new Dictionary<int, Severity?>();
        if (node is YamlScalarNode)
        {
            var severity = Read(file, node);
            for (var certainty = 1; certainty <= 3; certainty++)
            {
                table[certainty] = severity;
            }
            return new SeverityLevels(table);
        }
        foreach (var (key, value) in file.Entries(file.AsMapping(node, "severity (one severity, or certainty 1, 2, 3 → severity)"), "a certainty"))
        {
            table[Certainty.FromYaml(file, key.Node).Value] = Read(file, value);
        }
        return new SeverityLevels(table);
    }

    private static Severity? Read(YamlRuleFile file, YamlNode node)
    {
        var text = file.Scalar(node, "a severity");
        if (text == "off")
        {
            return null;
        }
        return SeverityNames.TryParse(text, out var severity)
            ? severity
            : throw file.Error(node, $"unknown severity '{text}' (expected block, review, warning, info or off)");
    }
}

/// <summary>
/// One entry of a term list: forms separated by '|', the first the lemma shown to people; <c>=form</c> only as
/// written, <c>Head-</c> and <c>-tail</c> only as compound parts (see <see cref="PackTerm"/>).
/// </summary>
public sealed record TermForms(string Text, YamlNode Node)
{
    public static TermForms FromYaml(YamlRuleFile file, YamlNode node) => new(file.Scalar(node, "a term"), node);
}

/// <summary>A user-written regular expression, compiled non-backtracking, so no pack can make matching slow.</summary>
public sealed record PackRegex(Regex Regex, string Source)
{
    public static PackRegex FromYaml(YamlRuleFile file, YamlNode node)
    {
        var source = file.Scalar(node, "a regex");
        try
        {
            return new PackRegex(new Regex(source, RegexOptions.NonBacktracking | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant), source);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw file.Error(node, $"bad regex: {e.Message}");
        }
    }
}
