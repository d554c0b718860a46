using System.Text.RegularExpressions;
using Gateway.Rules.Text;

namespace Gateway.Rules;

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

/// <summary>An example from a pack: text that must (or must not) fire the pack's rule for the given account.</summary>
public sealed record PackExample(string Text, bool MustFire, string Language, string AccountKind, string Network, long Line)
{
    /// <summary>The alt texts of the example's images (blank: an image without one), for the <c>media.*</c> packs.</summary>
    public IReadOnlyList<string> Media { get; init; } = [];

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

/// <summary>One rule file from <c>rules/</c>: a rule id and everything needed to decide it.</summary>
public sealed class RulePack
{
    public required string Rule { get; init; }
    public required string File { get; init; }
    public required string Category { get; init; }
    public required string Message { get; init; }
    public string? Link { get; init; }
    public bool FoldDiacritics { get; init; }

    /// <summary>Whether terms also match inflected (<c>morphology: stems</c>, the default) or only as written (<c>off</c>).</summary>
    public bool Stems { get; init; } = true;
    public required SeverityTable Severity { get; init; }

    /// <summary>Account kinds the rule applies to; null means every account.</summary>
    public IReadOnlySet<string>? OnlyFor { get; init; }

    public required IReadOnlySet<Scope> Scopes { get; init; }
    public IReadOnlyList<PackTerm> Terms { get; init; } = [];
    public IReadOnlyList<PackPattern> Patterns { get; init; } = [];
    public IReadOnlyList<PackExample> Examples { get; init; } = [];

    /// <summary>A built-in detector instead of (or as well as) terms: payment-card, iban, email, phone, language, hashtag-count, mention-count, wrong-account, alt-missing.</summary>
    public string? Detector { get; init; }

    /// <summary>For <c>detector: language</c>: stop words per language.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Stopwords { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>For <c>detector: hashtag-count</c> and <c>mention-count</c>: the network's hard limit (certainty 3) and advice (certainty 1).</summary>
    public IReadOnlyDictionary<string, int> Limits { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> Advice { get; init; } = new Dictionary<string, int>();

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
