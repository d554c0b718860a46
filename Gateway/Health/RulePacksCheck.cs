using Gateway.Rules;
using Gateway.Rules.Packs;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>
/// The rule packs are loaded. A failed reload is degraded, not down: the last good packs keep checking posts, but the
/// files someone just changed are not in force, and the description says which line is wrong.
/// </summary>
public sealed class RulePacksCheck(IRulePackSource packs, GatewayOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = packs.Status;
        var data = new Dictionary<string, object>
        {
            ["packs"] = packs.Current.Packs.Count,
            ["loadedAt"] = status.LoadedAt.ToUniversalTime().ToString("O"),
        };
        return Task.FromResult(status.Error is { } error
            ? HealthCheckResult.Degraded($"last reload failed, older packs in use: {options.Describe(error)}", data: data)
            : HealthCheckResult.Healthy("loaded", data));
    }
}
