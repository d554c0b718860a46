using System.Threading.RateLimiting;

namespace Gateway.Web;

/// <summary>
/// At most ten failed sign-ins a minute from one address. Tokens are 256 random bits, so guessing is hopeless
/// anyway; this keeps the form from being a free oracle and the audit of failures readable. Successful sign-ins
/// never count, so a team signing in together after an alert is not locked out.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = 10, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));

    public bool MayTry(string address)
    {
        using var probe = _failures.AttemptAcquire(address, 0);
        return probe.IsAcquired;
    }

    public void Failed(string address) => _failures.AttemptAcquire(address).Dispose();

    public void Dispose() => _failures.Dispose();
}
