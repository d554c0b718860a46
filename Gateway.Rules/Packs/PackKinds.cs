using Gateway.Rules.Packs.Kinds;
using YamlDotNet.RepresentationModel;

namespace Gateway.Rules.Packs;

/// <summary>The options of one kind of pack: the keys a pack of that kind may have beyond the common ones.</summary>
public interface IPackOptions;

/// <summary>
/// The kinds a pack may extend (Vale's <c>extends</c>): each is one options record and one check. A pack without
/// <c>extends</c> is a terms pack.
/// </summary>
public static class PackKinds
{
    public static readonly IReadOnlyDictionary<string, Type> All = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["terms"] = typeof(TermPack),
        ["count"] = typeof(CountPack),
        ["language"] = typeof(LanguagePack),
        ["personal-data"] = typeof(PersonalDataPack),
        ["wrong-account"] = typeof(WrongAccountPack),
        ["alt-missing"] = typeof(AltMissingPack),
    };

    public static Type Of(YamlRuleFile file, YamlNode? extends)
    {
        if (extends is null)
        {
            return typeof(TermPack);
        }
        var name = file.Scalar(extends, "extends");
        return All.TryGetValue(name, out var type)
            ? type
            : throw file.Error(extends, $"unknown pack kind '{name}' (expected one of {string.Join(", ", All.Keys)})");
    }
}
