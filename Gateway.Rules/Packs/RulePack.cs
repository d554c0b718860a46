using System.Text.RegularExpressions;
using Gateway.Rules.Text;

namespace Gateway.Rules.Packs;

/// <summary>
/// One term of a pack in one form: <c>Term</c> is the lemma shown to people, <c>Key</c> the normalised form matched.
/// A form written <c>Terror-</c> or <c>-anschlag</c> is a compound part: it matches only as the first or last part
/// of a longer word whose rest is a known word (<see cref="CompoundPart"/>), never on its own. A form written
/// <c>=bumba</c> matches only as written, never inflected (<see cref="AsWritten"/>).
/// </summary>
public sealed record PackTerm(string Language, string Term, string Form, string Key, int Certainty, bool Allowed,
    CompoundPart Part = CompoundPart.None, bool AsWritten = false);

/// <summary>Where a compound-part form may stand in a compound word.</summary>
public enum CompoundPart
{
    None,
    Head,
    Tail,
}

/// <summary>
/// A user-written regular expression (always <see cref="RegexOptions.NonBacktracking"/>) run on normalised text;
/// a match is ignored when its sentence also matches <see cref="Unless"/> ("we will never ask for your password").
/// </summary>
public sealed record PackPattern(string Language, Regex Regex, int Certainty, string Source, Regex? Unless = null);

/// <summary>An example from a pack: text that must (<c>fire</c>) or must not (<c>pass</c>) fire the pack's rule for the given account.</summary>
public sealed record PackExample : IYamlChecked
{
    public string? Fire { get; init; }
    public string? Pass { get; init; }
    public LanguageCode Lang { get; init; } = LanguageCode.English;

    /// <summary>The account kind or id the example is checked for.</summary>
    public string Account { get; init; } = "brand";
    public string Network { get; init; } = "x";

    /// <summary>The alt texts of the example's images (blank: an image without one), for the <c>media.*</c> packs.</summary>
    public IReadOnlyList<string> Media { get; init; } = [];

    [YamlDotNet.Serialization.YamlIgnore]
    public long Line { get; private init; }

    public string Text => Fire ?? Pass ?? "";
    public bool MustFire => Fire is not null;
    public string Language => Lang.Value;

    public object Check(YamlRuleFile file, YamlDotNet.RepresentationModel.YamlMappingNode node) =>
        (Fire is null) == (Pass is null)
            ? throw file.Error(node, "an example needs exactly one of 'fire' or 'pass'")
            : this with { Line = node.Start.Line };

    public override string ToString() => $"{(MustFire ? "fire" : "pass")}:{Line} {Text}";
}

/// <summary>Severity per certainty (1 = maybe, 2 = likely, 3 = sure), with overrides per account id or kind; null means off.</summary>
public sealed class SeverityTable(
    IReadOnlyDictionary<int, Severity?> defaults,
    IReadOnlyDictionary<string, IReadOnlyDictionary<int, Severity?>> accounts)
{
    public static readonly IReadOnlyDictionary<int, Severity?> Standard =
        new Dictionary<int, Severity?> { [1] = Severity.Warning, [2] = Severity.Review, [3] = Severity.Block };

    public IReadOnlyDictionary<int, Severity?> Defaults { get; } = defaults;
    public IReadOnlyDictionary<string, IReadOnlyDictionary<int, Severity?>> Accounts { get; } = accounts;

    /// <summary>The account's own override first, then its kind's, then the pack default.</summary>
    public Severity? For(int certainty, AccountProfile account)
    {
        if (Accounts.TryGetValue(account.Id, out var byId) && byId.TryGetValue(certainty, out var idSeverity))
        {
            return idSeverity;
        }
        if (Accounts.TryGetValue(account.Kind, out var byKind) && byKind.TryGetValue(certainty, out var kindSeverity))
        {
            return kindSeverity;
        }
        return Defaults.TryGetValue(certainty, out var severity) ? severity : null;
    }
}

/// <summary>
/// The keys every pack has, whatever its kind: a stable rule id, the message (with <c>{match}</c> and the kind's
/// evidence filled in), severities per certainty with overrides per account id or kind, the account kinds it is
/// for, and examples that are run as tests.
/// </summary>
public sealed record PackHeader : IYamlChecked
{
    private static readonly Regex RuleId = new(@"^(topic|privacy|account|network|hashtag|media)\.[a-z0-9-]+$", RegexOptions.NonBacktracking);

    [System.ComponentModel.Description("a stable id such as topic.violence")]
    public required string Rule { get; init; }

    [System.ComponentModel.Description("say why it matters and what to do")]
    public required string Message { get; init; }

    /// <summary>Defaults to the rule id's name (<c>topic.violence</c> → <c>violence</c>).</summary>
    public string? Category { get; init; }
    public string? Link { get; init; }

    /// <summary>The pack's kind (<see cref="PackKinds"/>); read before binding, listed here so it is a known key.</summary>
    public string? Extends { get; init; }
    public SeverityLevels? Severity { get; init; }
    public IReadOnlyDictionary<string, SeverityLevels>? Accounts { get; init; }
    public IReadOnlyList<string>? OnlyFor { get; init; }
    public IReadOnlyList<PackExample> Examples { get; init; } = [];

    public object Check(YamlRuleFile file, YamlDotNet.RepresentationModel.YamlMappingNode node)
    {
        if (!RuleId.IsMatch(Rule))
        {
            throw file.Error(YamlRuleFile.Child(node, "rule")!, $"rule '{Rule}' must look like topic.name, privacy.name, account.name, network.name or media.name (lower case, digits, '-')");
        }
        return Message.Trim().Length > 0
            ? this with { Message = Message.Trim() }
            : throw file.Error(YamlRuleFile.Child(node, "message")!, "message must not be empty");
    }
}

/// <summary>One rule file from <c>rules/</c>: the common keys and the options of its kind.</summary>
public sealed class RulePack
{
    public required string Rule { get; init; }
    public required string File { get; init; }
    public required string Category { get; init; }
    public required string Message { get; init; }
    public string? Link { get; init; }
    public required SeverityTable Severity { get; init; }

    /// <summary>Account kinds or ids the rule applies to; null means every account.</summary>
    public IReadOnlySet<string>? OnlyFor { get; init; }

    public IReadOnlyList<PackExample> Examples { get; init; } = [];

    /// <summary>The options of the pack's kind; a check reads the packs whose options are its kind's.</summary>
    public required IPackOptions Options { get; init; }

    public bool AppliesTo(AccountProfile account) =>
        OnlyFor is null || OnlyFor.Contains(account.Kind) || OnlyFor.Contains(account.Id);

    /// <summary>The message with <c>{match}</c>, <c>{term}</c>, <c>{category}</c>, <c>{language}</c>, <c>{count}</c>, <c>{limit}</c> filled in.</summary>
    public string Format(IReadOnlyDictionary<string, string> values)
    {
        var text = Message;
        foreach (var (key, value) in values)
        {
            text = text.Replace("{" + key + "}", value, StringComparison.Ordinal);
        }
        return Link is null ? text : $"{text} See {Link}";
    }

    public override string ToString() => $"{Rule} ({File})";
}
