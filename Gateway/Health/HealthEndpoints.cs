using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>
/// Probes for an orchestrator, with the framework's health checks: <c>/health/live</c> (the process answers; restart
/// it if not) and <c>/health/ready</c> (send it traffic: 503 while the database or the scheduler is not there).
/// Degraded (a failed rule reload, a notification backlog) stays 200: the node still does its work.
/// </summary>
public static class HealthEndpoints
{
    public const string Ready = "ready";

    public sealed record HealthAnswer(string Status, double DurationMs, IReadOnlyDictionary<string, HealthEntry> Checks);

    public sealed record HealthEntry(string Status, string? Description, double DurationMs, IReadOnlyDictionary<string, object> Data);

    public static void AddServices(IServiceCollection services, HealthOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<Notifications.NotificationBacklog>();
        services.AddHealthChecks()
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<SchedulerCheck>("scheduler", tags: [Ready])
            .AddCheck<RulePacksCheck>("rules", tags: [Ready])
            .AddCheck<NotificationBacklogCheck>("notifications", tags: [Ready]);
    }

    public static void Map(WebApplication app)
    {
        var health = app.MapGroup("/health").AllowAnonymous().WithTags("health");
        health.MapGet("/live", async (HealthCheckService checks, CancellationToken ct) => Answer(await checks.CheckHealthAsync(_ => false, ct)))
            .Produces<HealthAnswer>().WithSummary("Liveness: the process answers.");
        health.MapGet("/ready", async (HealthCheckService checks, CancellationToken ct) =>
                Answer(await checks.CheckHealthAsync(c => c.Tags.Contains(Ready), ct)))
            .Produces<HealthAnswer>().Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable)
            .WithSummary("Readiness: database, scheduler, rule packs and notification backlog.");
    }

    private static IResult Answer(HealthReport report) => TypedResults.Json(
        new HealthAnswer(report.Status.ToString(), report.TotalDuration.TotalMilliseconds,
            report.Entries.ToDictionary(e => e.Key, e => new HealthEntry(e.Value.Status.ToString(), e.Value.Description,
                e.Value.Duration.TotalMilliseconds, e.Value.Data))),
        statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
}
