using Gateway.Rules.Text;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules.Packs.Kinds;

/// <summary>
/// <c>extends: language</c>: the stop words per language that tell which language a post is in; the post's
/// language differing from the account's is the finding (<see cref="Checks.LanguageCheck"/>), and every
/// check that reads terms per language uses the detected language too.
/// </summary>
public sealed record LanguagePack : IPackOptions, IYamlChecked
{
    public required IReadOnlyDictionary<LanguageCode, IReadOnlyList<string>> Stopwords { get; init; }

    /// <summary>The stop words normalised as post text is.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Normalized =>
        Stopwords.ToDictionary(s => s.Key.Value, s => (IReadOnlyList<string>)s.Value.Select(w => NormalizedText.Key(w, false)).ToArray());

    public object Check(YamlRuleFile file, YamlMappingNode node) =>
        Stopwords.Count >= 2 ? this : throw file.Error(node, "the language detector needs 'stopwords' for at least two languages");
}
