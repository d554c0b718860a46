namespace Gateway.Rules;

/// <summary>A fixed list of accounts: for the command line, tests and benchmarks.</summary>
public sealed record StaticAccountDirectory(IReadOnlyList<AccountProfile> Accounts) : IAccountDirectory;
