namespace Gateway.Rules;

/// <summary>What a check may know about the account a post goes to.</summary>
public sealed record AccountProfile(string Id, string Network, string Kind, string Language);

/// <summary>Everything a check sees: the post's Markdown body, where it goes, when, and the time of checking.</summary>
public sealed record CheckInput(string Body, AccountProfile Account, DateTimeOffset ScheduledAt, DateTimeOffset Now);
