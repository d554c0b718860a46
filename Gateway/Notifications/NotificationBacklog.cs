using Dapper;
using Gateway.Storage;

namespace Gateway.Notifications;

/// <summary>Webhook deliveries not yet made: a growing number means a receiver is down or the dispatcher stuck.</summary>
public sealed class NotificationBacklog(Database database)
{
    public async Task<long> CountAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM deliveries WHERE delivered_at IS NULL", cancellationToken: cancellationToken));
    }
}
