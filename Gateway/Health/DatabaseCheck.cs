using Dapper;
using Gateway.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gateway.Health;

/// <summary>The database answers a query: without it nothing can be submitted, checked or published.</summary>
public sealed class DatabaseCheck(Database database, GatewayOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = options.Database.Provider };
        try
        {
            await using var connection = await database.OpenAsync(cancellationToken);
            await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken));
            return HealthCheckResult.Healthy("reachable", data);
        }
        catch (System.Data.Common.DbException e)
        {
            return HealthCheckResult.Unhealthy($"unreachable: {e.Message}", data: data);
        }
    }
}
