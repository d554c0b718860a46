using Gateway.Publishing;
using Gateway.Storage;

namespace Gateway.Freeze;

/// <summary>
/// Stops this node's sends that a freeze recorded on any node covers, the moment it hears of it (PostgreSQL
/// <c>LISTEN</c>; on SQLite the node that froze is the only one and stops its own). While anything is in flight it
/// also reads the freezes every second, in case an announcement was lost with a connection.
/// </summary>
public sealed class FreezeWatcher(ISqlDialect dialect, FreezeStore freezes, PublishFence fence, TimeProvider time, ILogger<FreezeWatcher> log) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        dialect.ListenAsync(Channel.Freeze, _ => StopCoveredAsync(stoppingToken), stoppingToken),
        PollAsync(stoppingToken));

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Poll, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (fence.Busy)
                {
                    await StopCoveredAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task StopCoveredAsync(CancellationToken stoppingToken)
    {
        try
        {
            var state = await freezes.GetAsync(stoppingToken);
            if (state.Freezes.Count == 0)
            {
                return;
            }
            var stopped = await fence.StopAsync(account => state.Covering(account) is not null);
            if (stopped.Count > 0)
            {
                log.LogWarning("A freeze stopped {Count} post(s) in flight here: {PostIds}", stopped.Count, stopped);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database fence still refuses every new send; this only delays stopping one already under way.
            log.LogError("Could not read the freezes to stop sends in flight: {Problem}", e.Message);
        }
    }
}
