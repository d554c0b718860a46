namespace Gateway.Rules;

/// <summary>What a check may know about the account a post goes to.</summary>
public sealed record AccountProfile(string Id, string Network, string Kind, string Language);

/// <summary>
/// Everything a check sees: the post's Markdown body, where it goes, when, the time of checking, and whether this is
/// the fire-time run (when cached answers about the outside world are too old to trust).
/// </summary>
public sealed record CheckInput(string Body, AccountProfile Account, DateTimeOffset ScheduledAt, DateTimeOffset Now, CheckPhase Phase = CheckPhase.Submit);
