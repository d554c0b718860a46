namespace Gateway.Rules.Packs.Kinds;

/// <summary>
/// <c>extends: wrong-account</c>: a post naming another registered account's handle or names and not its own.
/// The names come from the accounts, not the pack; the pack holds the message and severities (<see cref="Checks.WrongAccountCheck"/>).
/// </summary>
public sealed record WrongAccountPack : IPackOptions;
