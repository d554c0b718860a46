using System.Buffers;
using System.Text.RegularExpressions;

namespace Gateway.Rules.Checks;

/// <summary>
/// The handles (as <c>@handle</c>) and brand or product names of every registered account, compiled into one
/// case-insensitive regex so that a post is scanned once however many accounts there are. Built when the account
/// list changes, never per post.
/// </summary>
public sealed class AccountNames
{
    private readonly Regex? _regex;
    private readonly Dictionary<string, List<(AccountProfile Account, bool IsHandle)>> _owners = new(StringComparer.OrdinalIgnoreCase);

    public AccountNames(IReadOnlyList<AccountProfile> accounts)
    {
        Accounts = accounts;
        foreach (var account in accounts)
        {
            if (!string.IsNullOrEmpty(account.Handle))
            {
                Add("@" + account.Handle, account, isHandle: true);
            }
            foreach (var name in account.Names)
            {
                Add(Collapse(name), account, isHandle: false);
            }
        }
        if (_owners.Count > 0)
        {
            // Longest first: at one position the alternation takes the first that matches, so "Acme Deutschland"
            // wins over "Acme". Names are whole words; a handle must not run on into a longer handle or a domain.
            var alternatives = _owners.Keys.OrderByDescending(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)
                .Select(k => Regex.Escape(k).Replace(@"\ ", @"\s+", StringComparison.Ordinal));
            _regex = new Regex(
                $@"(?<![\p{{L}}\p{{N}}_@])(?:{string.Join('|', alternatives)})(?![\p{{L}}\p{{N}}_]|[.@-][\p{{L}}\p{{N}}])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
        }
    }

    /// <summary>The list this index was built from (the check rebuilds when the directory hands out another).</summary>
    public IReadOnlyList<AccountProfile> Accounts { get; }

    public bool IsEmpty => _regex is null;

    public static readonly AccountNames Empty = new([]);

    /// <summary>Each mention of a registered handle or name: its span and the accounts it belongs to.</summary>
    public IEnumerable<(int Start, int Length, IReadOnlyList<(AccountProfile Account, bool IsHandle)> Owners)> Find(string text)
    {
        if (_regex is null)
        {
            yield break;
        }
        for (var match = _regex.Match(text); match.Success; match = match.NextMatch())
        {
            yield return (match.Index, match.Length, _owners[Collapse(match.Value)]);
        }
    }

    private void Add(string key, AccountProfile account, bool isHandle)
    {
        if (!_owners.TryGetValue(key, out var owners))
        {
            _owners[key] = owners = [];
        }
        owners.Add((account, isHandle));
    }

    // "Acme  Deutschland" across a line break is still the name.
    private static string Collapse(string name) =>
        name.Contains("  ", StringComparison.Ordinal) || name.AsSpan().IndexOfAny(OtherSpaces) >= 0
            ? string.Join(' ', name.Split(Spaces, StringSplitOptions.RemoveEmptyEntries))
            : name;

    private static readonly char[] Spaces = [' ', '\n', '\t', '\r', '\u00A0'];
    private static readonly SearchValues<char> OtherSpaces = SearchValues.Create("\n\t\r\u00A0");
}
