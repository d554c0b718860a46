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
            file.Keys(file.Root, ["sensitivities", "hashtags"], "section");
            var sensitivities = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase);
            foreach (var ((_, name), value) in file.Entries(file.Mapping(file.Root, "sensitivities"), "a sensitivity"))
            {
                if (!SeverityNames.TryParse(file.Scalar(value, "a severity"), out var severity))
                {
                    throw file.Error(value, "expected block, review, warning or info");
                }
                if (AtLeastReview.Contains(name, StringComparer.OrdinalIgnoreCase) && severity < Severity.Review)
                {
                    throw file.Error(value, $"'{name}' needs at least review: a brand riding such a hashtag needs a second opinion");
                }
                sensitivities[name] = severity;
            }
            foreach (var required in AtLeastReview.Where(r => !sensitivities.ContainsKey(r)))
            {
                throw file.Error(file.Root, $"sensitivities must list '{required}'");
            }
            var hashtags = new List<Trend>();
            if (YamlRuleFile.Child(file.Root, "hashtags") is { } list)
            {
                foreach (var item in file.AsSequence(list, "hashtags (entries with tag, context and sensitivity)").Children)
                {
                    var entry = file.AsMapping(item, "each hashtag (tag, context, sensitivity)");
                    file.Keys(entry, ["tag", "context", "sensitivity", "keywords"]);
                    string Field(string name) => YamlRuleFile.Child(entry, name) is { } node ? file.Scalar(node, name) : throw file.Error(entry, $"missing '{name}'");
                    var sensitivity = Field("sensitivity");
                    if (!sensitivities.ContainsKey(sensitivity))
                    {
                        throw file.Error(YamlRuleFile.Child(entry, "sensitivity")!, $"unknown sensitivity '{sensitivity}' (listed under sensitivities: {string.Join(", ", sensitivities.Keys)})");
                    }
                    var keywords = YamlRuleFile.Child(entry, "keywords") is { } k ? file.Strings(k, "keywords").Select(w => w.Value).ToArray() : [];
                    hashtags.Add(new Trend(Trend.Key(Field("tag")), Field("context"), sensitivity.ToLowerInvariant(), keywords, null, "registry"));
                }
            }
            return new HashtagRegistry { Sensitivities = sensitivities, Hashtags = hashtags };
        });
}
