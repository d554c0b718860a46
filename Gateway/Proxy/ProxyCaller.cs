using Gateway.Accounts;
using Gateway.Users;

namespace Gateway.Proxy;

/// <summary>Who a proxy request comes from: the gateway user, the one account the token is bound to, and the token's scopes.</summary>
public sealed record ProxyCaller(User User, Account Account, string TokenId, string Scopes)
{
    /// <summary>Mastodon's scope rule: <c>write</c> grants <c>write:statuses</c> and every other <c>write:…</c>.</summary>
    public bool Allows(string scope)
    {
        var granted = Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return granted.Contains(scope) || scope.Split(':')[0] is var top && granted.Contains(top);
    }
}
