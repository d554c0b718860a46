using YamlDotNet.RepresentationModel;

namespace Gateway.Rules.Packs.Kinds;

/// <summary>
/// <c>extends: count</c>: too many hashtags or mentions for the network. <c>limits</c> are what a network refuses
/// (certainty 3), <c>advice</c> what starts to read as spam (certainty 1); both per network. Read by <see cref="Checks.CountCheck"/>.
/// </summary>
public sealed record CountPack : IPackOptions, IYamlChecked
{
    public required Countable Of { get; init; }

    public IReadOnlyDictionary<string, Located<int>> Limits { get; init; } = new Dictionary<string, Located<int>>();

    public IReadOnlyDictionary<string, Located<int>> Advice { get; init; } = new Dictionary<string, Located<int>>();

    private IReadOnlyDictionary<string, int> _limits = new Dictionary<string, int>();
    private IReadOnlyDictionary<string, int> _advice = new Dictionary<string, int>();

    /// <summary>The limit a count goes over and its certainty (3 for a hard limit, 1 for advice), or null.</summary>
    public (int Limit, int Certainty)? Exceeded(string network, int count)
    {
        if (_limits.TryGetValue(network, out var hard) && count > hard)
        {
            return (hard, 3);
        }
        if (_advice.TryGetValue(network, out var advice) && count > advice)
        {
            return (advice, 1);
        }
        return null;
    }

    public object Check(YamlRuleFile file, YamlMappingNode node)
    {
        foreach (var (network, value) in Limits.Concat(Advice))
        {
            if (value.Value <= 0)
            {
                throw file.Error(value.Node, $"the count for '{network}' must be a positive whole number");
            }
        }
        return this with
        {
            _limits = Limits.ToDictionary(l => l.Key, l => l.Value.Value, StringComparer.OrdinalIgnoreCase),
            _advice = Advice.ToDictionary(l => l.Key, l => l.Value.Value, StringComparer.OrdinalIgnoreCase),
        };
    }
}

public enum Countable
{
    Hashtags,
    Mentions,
}
