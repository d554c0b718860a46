using Gateway.Notifications;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>Webhook notifications are going out; degraded (not down) past a backlog, since posts still publish.</summary>
public sealed class NotificationBacklogCheck(NotificationBacklog backlog, HealthOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var waiting = await backlog.CountAsync(cancellationToken);
        var data = new Dictionary<string, object> { ["undelivered"] = waiting, ["threshold"] = options.NotificationBacklog };
        return waiting > options.NotificationBacklog
            ? HealthCheckResult.Degraded($"{waiting} notifications undelivered", data: data)
            : HealthCheckResult.Healthy($"{waiting} undelivered", data);
    }
}
