namespace Gateway.Cluster;

/// <summary>Checks this node in for as long as it runs, and takes it out of the cluster when it stops cleanly.</summary>
public sealed class ClusterMembership(ClusterNodes nodes, GatewayOptions options, TimeProvider time, ILogger<ClusterMembership> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Cluster.CheckinInterval, time);
        do
        {
            try
            {
                await nodes.CheckInAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The others take this node's sends over if it stays silent; a blip shorter than the threshold costs nothing.
                log.LogWarning("Cluster check-in of {Node} failed: {Problem}", nodes.Self, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result, TaskScheduler.Default));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await nodes.LeaveAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning("{Node} could not leave the cluster ({Problem}); the others notice its silence instead", nodes.Self, e.Message);
        }
    }
}
