namespace Gateway.Health;

/// <summary><c>Gateway:Health</c>: when <c>/health/ready</c> starts warning.</summary>
public sealed class HealthOptions
{
    /// <summary>Undelivered webhook notifications above which the notification check reports degraded.</summary>
    public int NotificationBacklog { get; set; } = 100;
}
