using Gateway.Rules.Text;
using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace Gateway.Rules.Packs.Kinds;

/// <summary>
/// <c>extends: terms</c> (the default): words and phrases per language and certainty, allow-listed phrases that
/// win over the words inside them, and regular expressions, matched in one pass over the post
/// (<see cref="RulePackSet"/>); read by the check of the rule's family (<c>topic.</c>, <c>privacy.</c>, <c>account.</c>).
/// </summary>
public sealed record TermPack : IPackOptions, IYamlChecked
{
    private static readonly Scope[] Checkable = [Scope.Prose, Scope.Hashtag, Scope.LinkText, Scope.ImageAlt, Scope.Html];

    public Diacritics Diacritics { get; init; } = Diacritics.Sensitive;

    /// <summary>Whether terms also match inflected (<c>stems</c>, the default) or only as written (<c>off</c>).</summary>
    public MorphologyMode Morphology { get; init; } = MorphologyMode.Stems;

    public IReadOnlyList<Located<Scope>>? Scopes { get; init; }

    public IReadOnlyDictionary<LanguageCode, IReadOnlyDictionary<Certainty, IReadOnlyList<TermForms>>>? Terms { get; init; }

    public IReadOnlyDictionary<LanguageCode, IReadOnlyList<TermForms>>? Allow { get; init; }

    public IReadOnlyList<PatternOptions>? Patterns { get; init; }

    /// <summary>Every form of every term and allow-list entry, normalised for matching.</summary>
    [YamlIgnore]
    public IReadOnlyList<PackTerm> Forms { get; private init; } = [];

    [YamlIgnore]
    public IReadOnlyList<PackPattern> Regexes { get; private init; } = [];

    [YamlIgnore]
    public IReadOnlySet<Scope> ScopeSet { get; private init; } = Checkable.ToHashSet();

    public bool FoldDiacritics => Diacritics == Diacritics.Insensitive;

    public bool Stems => Morphology == MorphologyMode.Stems;

    public object Check(YamlRuleFile file, YamlMappingNode node)
    {
        var forms = new List<PackTerm>();
        foreach (var (language, byCertainty) in Terms ?? new Dictionary<LanguageCode, IReadOnlyDictionary<Certainty, IReadOnlyList<TermForms>>>())
        {
            foreach (var (certainty, list) in byCertainty)
            {
                AddForms(file, list, language.Value, certainty.Value, false, forms);
            }
        }
        foreach (var (language, list) in Allow ?? new Dictionary<LanguageCode, IReadOnlyList<TermForms>>())
        {
            AddForms(file, list, language.Value, 0, true, forms);
        }
        var regexes = (Patterns ?? []).Select(p => new PackPattern(p.Lang.Value, p.Regex.Regex, p.Certainty.Value, p.Regex.Source, p.Unless?.Regex)).ToArray();
        if (forms.All(t => t.Allowed) && regexes.Length == 0)
        {
            throw file.Error(node, "a terms pack needs 'terms' or 'patterns'");
        }
        foreach (var scope in Scopes ?? [])
        {
            if (!Checkable.Contains(scope.Value))
            {
                throw file.Error(scope.Node, $"scope '{YamlBinder.Kebab(scope.Value.ToString())}' is never checked for words (expected {string.Join(", ", Checkable.Select(s => YamlBinder.Kebab(s.ToString())))})");
            }
        }
        return this with
        {
            Forms = forms,
            Regexes = regexes,
            ScopeSet = Scopes is null ? ScopeSet : Scopes.Select(s => s.Value).ToHashSet(),
        };
    }

    private void AddForms(YamlRuleFile file, IReadOnlyList<TermForms> list, string language, int certainty, bool allowed, List<PackTerm> terms)
    {
        foreach (var entry in list)
        {
            var forms = entry.Text.Split('|', StringSplitOptions.TrimEntries);
            foreach (var written0 in forms)
            {
                var asWritten = written0.Length > 1 && written0[0] == '=';
                var written = asWritten ? written0[1..] : written0;
                var part = written.Length > 1 && written.EndsWith('-') ? CompoundPart.Head
                    : written.Length > 1 && written.StartsWith('-') ? CompoundPart.Tail
                    : CompoundPart.None;
                var form = part == CompoundPart.None ? written : written.Trim('-');
                var key = NormalizedText.Key(form, FoldDiacritics);
                if (key.Length == 0 || key.Contains(NormalizedText.Separator))
                {
                    throw file.Error(entry.Node, $"empty form in term '{entry.Text}'");
                }
                if (part != CompoundPart.None && (allowed || !Text.Morphology.CompoundLanguages.Contains(language) || key.Contains(' ')))
                {
                    throw file.Error(entry.Node, $"compound part '{written}': only one word, only in terms, only for {string.Join(", ", Text.Morphology.CompoundLanguages)}");
                }
                terms.Add(new PackTerm(language, forms[0].TrimStart('=').Trim('-'), form, key, certainty, allowed, part, asWritten));
            }
        }
    }
}

public enum Diacritics
{
    Sensitive,
    Insensitive,
}

public enum MorphologyMode
{
    Stems,
    Off,
}

/// <summary>A pattern of a terms pack: its regex, how sure a match is, its language, and a sentence regex that excuses it.</summary>
public sealed record PatternOptions
{
    public required PackRegex Regex { get; init; }

    public Certainty Certainty { get; init; } = new(3);

    public LanguageCode Lang { get; init; } = new("any");

    public PackRegex? Unless { get; init; }
}
