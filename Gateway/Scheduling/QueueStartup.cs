using Gateway.Audit;
using Gateway.Freeze;
using Gateway.Posts;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Scheduling;

/// <summary>
/// Runs before Quartz starts firing: brings the schema up to date, creates the first admin, and makes the queue
/// consistent with the database after a stop: a frozen queue stays paused, a post caught mid-publish is held as
/// unconfirmed. Missing triggers are <see cref="QueueReconciler"/>'s, which runs once Quartz has recovered.
/// </summary>
public sealed class QueueStartup(
    Database database,
    UserStore users,
    PostStore posts,
    FreezeStore freezes,
    KillSwitch killSwitch,
    ISqlDialect dialect,
    Rules.IRulePackSource packs,
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

        // Also repairs a stop between recording a freeze change and pausing or resuming Quartz.
        await killSwitch.SyncSchedulerAsync(cancellationToken);
        foreach (var freeze in (await freezes.GetAsync(cancellationToken)).Freezes)
        {
            log.LogWarning("Frozen ({Scope} {Accounts}) since {Since} by {By}: {Reason}", freeze.Scope, freeze.Accounts, freeze.Since, freeze.By, freeze.Reason);
        }

        // Whether these reached the network is settled by asking it, in QueueReconciler's first run.
        foreach (var id in await posts.DueAsync(PostStatus.Publishing, DateTimeOffset.MaxValue, cancellationToken))
        {
            await posts.ChangeAsync(new PostChange(id, PostStatus.Held, AuditLog.System, "post.held",
                "The gateway stopped while this post was being published; whether it reached the network is unknown. Check before releasing it.")
            {
                ExpectedFrom = PostStatus.Publishing,
                Unconfirmed = true,
            }, cancellationToken);
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
