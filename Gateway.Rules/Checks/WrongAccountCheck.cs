using Gateway.Rules.Packs;

namespace Gateway.Rules.Checks;

/// <summary>
/// <c>account.wrong-account</c>: a post that names another registered account's handle or brand names, and none
/// of this account's, was probably written for that account ("Neu bei Acme Deutschland" queued for acme-nl).
/// The finding suggests the account it names. Mentions inside links do not count.
/// </summary>
public sealed class WrongAccountCheck(IRulePackSource packs, IAccountDirectory directory) : ICheck
{
    private AccountNames _names = AccountNames.Empty;

    public string Name => "wrong-account";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var names = Current();
        var set = packs.Current;
        var pack = names.IsEmpty ? null : set.Packs.FirstOrDefault(p => p.Options is Packs.Kinds.WrongAccountPack && p.AppliesTo(input.Account));
        if (pack is null || pack.Severity.For(3, input.Account) is not { } severity)
        {
            return PackFindings.Done([]);
        }
        List<(int Start, int Length, AccountProfile Other, bool IsHandle)>? others = null;
        PostAnalysis? analysis = null;
        foreach (var (start, length, owners) in names.Find(input.Body))
        {
            analysis ??= set.Analyze(input.Body);
            if (analysis.OverlapsScope(start, length, Text.Scope.Url))
            {
                continue;
            }
            if (owners.Any(o => o.Account.Id == input.Account.Id) || IsOwn(input.Account, input.Body.AsSpan(start, length)))
            {
                return PackFindings.Done([]); // the post names its own account too: a comparison or a cross-promotion
            }
            foreach (var (other, isHandle) in owners)
            {
                others ??= [];
                if (!others.Exists(o => o.Other.Id == other.Id))
                {
                    others.Add((start, length, other, isHandle));
                }
            }
        }
        if (others is null)
        {
            return PackFindings.Done([]);
        }
        var findings = new List<Finding>(others.Count);
        foreach (var (start, length, other, isHandle) in others)
        {
            var match = input.Body.Substring(start, length);
            findings.Add(PackFindings.Create(pack, severity, start, length, match, new Dictionary<string, string>
            {
                ["detector"] = "wrong-account",
                ["certainty"] = "3",
                ["account"] = other.Id,
                ["named-by"] = isHandle ? "handle" : "name",
                ["suggestion"] = other.Handle is null ? other.Id : $"{other.Id} (@{other.Handle})",
                ["scope"] = PackFindings.ScopeName(analysis!.ScopeAt(start)),
            }));
        }
        return PackFindings.Done(findings);
    }

    // The profile the post goes with may be newer than the directory's copy of it.
    private static bool IsOwn(AccountProfile account, ReadOnlySpan<char> match)
    {
        if (account.Handle is { } handle && match.Length == handle.Length + 1 && match[0] == '@' && match[1..].Equals(handle, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        foreach (var name in account.Names)
        {
            if (match.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    private AccountNames Current()
    {
        var accounts = directory.Accounts;
        var names = _names;
        if (!ReferenceEquals(names.Accounts, accounts))
        {
            // Two posts checked at once may both build it; either result is right, the last one stays.
            names = new AccountNames(accounts);
            _names = names;
        }
        return names;
    }
}
