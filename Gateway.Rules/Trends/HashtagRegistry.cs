using YamlDotNet.RepresentationModel;
using Gateway.Rules.Packs;

namespace Gateway.Rules.Trends;

/// <summary>
/// <c>rules/hashtags.yml</c>: hashtags whose context is known for good (#WhyIStayed), and what each sensitivity
/// weighs. Tragedy, disaster, violence and politics always need at least a second opinion.
/// </summary>
public sealed class HashtagRegistry
{
    public const string FileName = "hashtags.yml";

    private static readonly string[] AtLeastReview = ["tragedy", "disaster", "violence", "politics"];

    public required IReadOnlyDictionary<string, Severity> Sensitivities { get; init; }
    public required IReadOnlyList<Trend> Hashtags { get; init; }

    public static HashtagRegistry Load(string rulesDirectory) =>
        YamlRuleFile.Read(Path.Combine(rulesDirectory, FileName), file =>
        {
            var registry = YamlBinder.Bind<RegistryFile>(file, file.Root, "the hashtag registry");
            var sensitivities = registry.Sensitivities.ToDictionary(s => s.Key, s => s.Value.Value, StringComparer.OrdinalIgnoreCase);
            return new HashtagRegistry
            {
                Sensitivities = sensitivities,
                Hashtags = registry.Hashtags.Select(h => new Trend(Trend.Key(h.Tag), h.Context, h.Sensitivity.Value.ToLowerInvariant(), h.Keywords, null, "registry")).ToArray(),
            };
        });

    private sealed record RegistryFile : IYamlChecked
    {
        public required IReadOnlyDictionary<string, Located<Severity>> Sensitivities { get; init; }
        public IReadOnlyList<RegistryEntry> Hashtags { get; init; } = [];

        public object Check(YamlRuleFile file, YamlMappingNode node)
        {
            foreach (var (name, severity) in Sensitivities)
            {
                if (AtLeastReview.Contains(name, StringComparer.OrdinalIgnoreCase) && severity.Value < Severity.Review)
                {
                    throw file.Error(severity.Node, $"'{name}' needs at least review: a brand riding such a hashtag needs a second opinion");
                }
            }
            foreach (var required in AtLeastReview.Where(r => !Sensitivities.Keys.Contains(r, StringComparer.OrdinalIgnoreCase)))
            {
                throw file.Error(node, $"sensitivities must list '{required}'");
            }
            foreach (var entry in Hashtags.Where(h => !Sensitivities.Keys.Contains(h.Sensitivity.Value, StringComparer.OrdinalIgnoreCase)))
            {
                throw file.Error(entry.Sensitivity.Node, $"unknown sensitivity '{entry.Sensitivity.Value}' (listed under sensitivities: {string.Join(", ", Sensitivities.Keys)})");
            }
            return this;
        }
    }

    /// <summary>One hashtag known for good: its tag, what it means, how sensitive it is, words that signal it without the tag.</summary>
    private sealed record RegistryEntry
    {
        public required string Tag { get; init; }
        public required string Context { get; init; }
        public required Located<string> Sensitivity { get; init; }
        public IReadOnlyList<string> Keywords { get; init; } = [];
    }
}
