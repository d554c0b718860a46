using Dapper;
using Gateway.Storage;

namespace Gateway.Cluster;

/// <summary>
/// The gateways sharing this database. Each checks in every <see cref="ClusterOptions.CheckinInterval"/>; one that
/// has not for longer than that plus <see cref="ClusterOptions.CheckinMisfireThreshold"/> is gone, and the sends it
/// had in flight are the others' to settle. Quartz keeps its own check-ins for its triggers; this is the gateway's
/// view, for the publish fence and for <c>/health</c>, read from the gateway's tables and never from Quartz's.
/// </summary>
public sealed class ClusterNodes(Database database, GatewayOptions options, TimeProvider time)
{
    /// <summary>This process: host, process id and a random part, so a restart is a new node.</summary>
    public string Self { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    private TimeSpan Silence => options.Cluster.CheckinInterval + options.Cluster.CheckinMisfireThreshold;

    public async Task CheckInAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO nodes (id, started_at, seen_at) VALUES (@Self, @now, @now) ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at",
            new { Self, now }, cancellationToken: cancellationToken));
    }

    /// <summary>Leaves the cluster on a clean stop, so the others need not wait for the silence to know.</summary>
    public async Task LeaveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM nodes WHERE id = @Self", new { Self }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Forgets every other node. Only where one node is all there can be (SQLite): the rows left are earlier runs of
    /// this gateway that stopped without leaving.
    /// </summary>
    public async Task ForgetOthersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM nodes WHERE id <> @Self", new { Self }, cancellationToken: cancellationToken));
    }

    public async Task<IReadOnlyList<Node>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Id, DateTimeOffset StartedAt, DateTimeOffset SeenAt)>(new CommandDefinition(
            "SELECT id, started_at, seen_at FROM nodes ORDER BY started_at, id", cancellationToken: cancellationToken));
        var now = time.GetUtcNow();
        return rows.Select(r => new Node(r.Id, r.StartedAt, r.SeenAt, r.Id == Self, now - r.SeenAt <= Silence)).ToArray();
    }

    /// <summary>The nodes that checked in recently enough to be alive, this one always among them.</summary>
    public async Task<IReadOnlySet<string>> LiveAsync(CancellationToken cancellationToken)
    {
        var live = (await ListAsync(cancellationToken)).Where(n => n.Live).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        live.Add(Self);
        return live;
    }
}

/// <summary>One gateway of the cluster as <c>/health</c> shows it.</summary>
public sealed record Node(string Id, DateTimeOffset StartedAt, DateTimeOffset SeenAt, bool Self, bool Live);
