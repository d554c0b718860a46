namespace Gateway.Freeze;

/// <summary>One freeze: of the whole queue (no accounts) or of a set of accounts.</summary>
/// <remarks><c>Rule</c> names the tripwire that froze it automatically, if one did.</remarks>
public sealed record Freeze(string Id, IReadOnlyList<string> Accounts, DateTimeOffset Since, string By, string Reason, string? Rule = null)
{
    public string Scope => Global ? "global" : "accounts";

    public bool Global => Accounts.Count == 0;

    public bool Covers(string account) => Global || Accounts.Contains(account);
}

/// <summary>
/// What <c>GET /api/freeze</c> shows: whether the whole queue is frozen (since when, by whom, why) and every
/// active freeze, scoped ones included.
/// </summary>
public sealed record FreezeState(bool Frozen, DateTimeOffset? Since, string? By, string? Reason, IReadOnlyList<Freeze> Freezes)
{
    public static FreezeState Of(IReadOnlyList<Freeze> active) =>
        active.FirstOrDefault(f => f.Global) is { } global
            ? new FreezeState(true, global.Since, global.By, global.Reason, active)
            : new FreezeState(false, null, null, null, active);

    /// <summary>The freeze that stops posts to this account, the global one first.</summary>
    public Freeze? Covering(string account) => Covering(Freezes, account);

    /// <summary>The one rule for which of <paramref name="freezes"/> stops posts to <paramref name="account"/>: the global one first.</summary>
    public static Freeze? Covering(IEnumerable<Freeze> freezes, string account) =>
        freezes.OrderBy(f => f.Global ? 0 : 1).FirstOrDefault(f => f.Covers(account));
}
