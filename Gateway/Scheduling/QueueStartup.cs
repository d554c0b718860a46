using Gateway.Audit;
using Gateway.Freeze;
using Gateway.Posts;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Scheduling;

/// <summary>
/// Runs before Quartz starts firing: brings the schema up to date, creates the first admin, joins the cluster, and
/// on a single node holds a post caught mid-publish as unconfirmed (on a cluster the others settle a dead node's
/// sends, see <see cref="Cluster.OrphanedSends"/>). Missing triggers are <see cref="QueueReconciler"/>'s, which
/// runs once Quartz has recovered.
/// </summary>
public sealed class QueueStartup(
    Database database,
    UserStore users,
    FreezeStore freezes,
    ISqlDialect dialect,
    Cluster.ClusterNodes nodes,
    Cluster.OrphanedSends orphans,
    Rules.Packs.IRulePackSource packs,
    Trends.TrendStore trends,
    TimeProvider time,
    ILogger<QueueStartup> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        log.LogInformation("Rule packs loaded: {Count}", packs.Current.Packs.Count);
        await database.MigrateAsync(cancellationToken);
        await trends.RefreshAsync(cancellationToken);
        await dialect.PrepareSchedulerAsync(cancellationToken);
        await CreateFirstAdminAsync(cancellationToken);

        foreach (var freeze in (await freezes.GetAsync(cancellationToken)).Freezes)
        {
            log.LogWarning("Frozen ({Scope} {Accounts}) since {Since} by {By}: {Reason}", freeze.Scope, freeze.Accounts, freeze.Since, freeze.By, freeze.Reason);
        }

        // Joining the cluster is ClusterMembership's first check-in; this node counts as live before it (ClusterNodes.LiveAsync).
        if (!dialect.Clustered)
        {
            // One node is all there can be, so a node that left a send publishing was this gateway before it stopped.
            await nodes.ForgetOthersAsync(cancellationToken);
            await orphans.HoldAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task CreateFirstAdminAsync(CancellationToken cancellationToken)
    {
        if (await users.AnyAsync(cancellationToken))
        {
            return;
        }
        var (_, token) = await users.CreateAsync("admin", Role.Admin, AuditLog.System, cancellationToken);
        // Printed once, on the console only (not to the log sinks): it is never stored and never shown again.
        Console.WriteLine($"""

            CrisisGateway: created the first user 'admin'. Its token, shown only this once:

                {token}

            Use it as 'Authorization: Bearer <token>'. Started at {time.GetUtcNow():O}.

            """);
    }
}
