namespace Gateway.Freeze;

/// <summary>What <c>GET /api/freeze</c> shows: whether the queue is frozen, since when, by whom and why.</summary>
public sealed record FreezeState(bool Frozen, DateTimeOffset? Since, string? By, string? Reason)
{
    public static readonly FreezeState Thawed = new(false, null, null, null);
}
