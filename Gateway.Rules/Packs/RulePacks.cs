using System.Text.RegularExpressions;
using Gateway.Rules.Text;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules.Packs;

/// <summary>
/// Loads every rule pack under a rules folder: each <c>*.yml</c> file in the pack folders <see cref="Folders"/>
/// (<c>rules/topics/</c>, <c>rules/privacy/</c>, <c>rules/account/</c>, <c>rules/network/</c>, <c>rules/media/</c>, and their
/// subfolders) is one pack. Other files and folders (such as <c>networks.yml</c>) belong to other loaders.
/// All or nothing: the first problem in any file throws a <see cref="RuleFileException"/> naming file, line and
/// column, and nothing is returned.
/// </summary>
public static class RulePacks
{
    public static readonly IReadOnlyList<string> Folders = ["topics", "privacy", "account", "network", "media"];

    public static RulePackSet Load(string rulesDirectory)
    {
        if (!Directory.Exists(rulesDirectory))
        {
            throw new RuleFileException(rulesDirectory, 0, 0, "the rules folder does not exist");
        }
        var files = Folders.Select(f => Path.Combine(rulesDirectory, f))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.yml", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .ToArray();
        var packs = new List<RulePack>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in files)
        {
            var pack = LoadFile(path);
            if (seen.TryGetValue(pack.Rule, out var other))
            {
                throw YamlRuleFile.Read(path, file => file.Error(YamlRuleFile.Child(file.Root, "rule")!, $"rule '{pack.Rule}' is already defined in {other}"));
            }
            seen[pack.Rule] = path;
            packs.Add(pack);
        }
        return new RulePackSet(packs, LoadCompoundWords(Path.Combine(rulesDirectory, CompoundWordsFile)));
    }

    /// <summary>The words a compound's rest must be (<c>rules/compound-words.yml</c>: language → words); optional.</summary>
    public const string CompoundWordsFile = "compound-words.yml";

    private static Dictionary<string, IReadOnlyList<string>> LoadCompoundWords(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }
        return YamlRuleFile.Read(path, file =>
        {
            var words = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var (language, list) in YamlBinder.Bind<IReadOnlyDictionary<Located<LanguageCode>, IReadOnlyList<string>>>(file, file.Root, "compound words (language → words)"))
            {
                if (!Morphology.CompoundLanguages.Contains(language.Value.Value))
                {
                    throw file.Error(language.Node, $"compound words are read for {string.Join(", ", Morphology.CompoundLanguages)} only, not '{language.Value}'");
                }
                words[language.Value.Value] = list;
            }
            return words;
        });
    }

    public static RulePack LoadFile(string path) => YamlRuleFile.Read(path, file => Read(file, path));

    private static RulePack Read(YamlRuleFile file, string path)
    {
        if (YamlRuleFile.Child(file.Root, "detector") is { } detector)
        {
            throw file.Error(detector, "'detector' is now 'extends' (count, language, personal-data with detect, wrong-account); see the pack format in the README");
        }
        var kind = PackKinds.Of(file, YamlRuleFile.Child(file.Root, "extends"));
        var header = YamlBinder.Bind<PackHeader>(file, file.Root, "a rule pack", YamlBinder.Keys(kind));
        var options = (IPackOptions)YamlBinder.Bind(kind, file, file.Root, "a rule pack", YamlBinder.Keys(typeof(PackHeader)));
        return new RulePack
        {
            Rule = header.Rule,
            File = path,
            Category = header.Category ?? header.Rule[(header.Rule.IndexOf('.') + 1)..],
            Message = header.Message,
            Link = header.Link,
            Severity = new SeverityTable(
                header.Severity?.ByCertainty ?? SeverityTable.Standard,
                (header.Accounts ?? new Dictionary<string, SeverityLevels>()).ToDictionary(a => a.Key, a => a.Value.ByCertainty, StringComparer.Ordinal)),
            OnlyFor = header.OnlyFor?.ToHashSet(StringComparer.Ordinal),
            Examples = header.Examples,
            Options = options,
        };
    }
}
