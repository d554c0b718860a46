using Gateway.Accounts;
using Quartz;

namespace Gateway.Scheduling;

/// <summary>
/// Renews OAuth access tokens (X, LinkedIn) before they expire, as a Quartz job in the maintenance group, so a post
/// due at 3 a.m. does not meet an expired token. A grant that cannot be renewed marks its account as needing
/// reconnecting (and tells the admins) hours before a post would fail on it.
/// </summary>
[DisallowConcurrentExecution]
public sealed class ConnectionRenewal(AccountStore accounts, ConnectFlow connect, TimeProvider time, ILogger<ConnectionRenewal> log) : IJob
{
    public static readonly JobKey Key = new("renew-connections", "maintenance");
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(5);

    /// <summary>Renewed when it expires within this; longer than <see cref="Interval"/> so no run misses one.</summary>
    public static readonly TimeSpan Ahead = TimeSpan.FromMinutes(20);

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => new(RunAsync(cancellationToken));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var soon = time.GetUtcNow() + Ahead;
        foreach (var account in await accounts.ListAsync(cancellationToken))
        {
            if (account.Connection is { Connected: true, Problem: null, ExpiresAt: { } expires } && expires <= soon
                && await connect.RenewAsync(account, cancellationToken))
            {
                log.LogInformation("Renewed the access of account {Account}, which expired at {ExpiresAt:O}", account.Id, expires);
            }
        }
    }
}
