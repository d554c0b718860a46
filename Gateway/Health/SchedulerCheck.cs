using Microsoft.Extensions.Diagnostics.HealthChecks;
using Quartz;

namespace Gateway.Health;

/// <summary>Quartz is running on this node: a node whose scheduler is not publishes nothing.</summary>
public sealed class SchedulerCheck(ISchedulerFactory schedulers, Storage.ISqlDialect dialect) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        var data = new Dictionary<string, object> { ["instance"] = scheduler.SchedulerInstanceId, ["clustered"] = dialect.Clustered };
        return scheduler.Status == SchedulerStatus.Running
            ? HealthCheckResult.Healthy("running", data)
            : HealthCheckResult.Unhealthy(scheduler.Status.ToString().ToLowerInvariant(), data: data);
    }
}
