namespace Gateway.Rules;

/// <summary>
/// Every account registered in the gateway, as checks may know them (for <c>account.wrong-account</c>). The host
/// keeps the list in memory and swaps it for a new one when an account changes, so a check never waits for the
/// database; a check may cache what it derives from one list until the reference changes.
/// </summary>
public interface IAccountDirectory
{
    IReadOnlyList<AccountProfile> Accounts { get; }
}
