namespace Gateway.Proxy;

/// <summary><c>Gateway:Proxy</c>: the Mastodon-compatible proxy.</summary>
public sealed class ProxyOptions
{
    /// <summary>
    /// How long <c>POST /api/v1/statuses</c> for "now" waits for the post to go out before it answers "queued"
    /// (202 with a ScheduledStatus). Long enough for an ordinary send; zero answers at once.
    /// </summary>
    public TimeSpan PublishWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an OAuth authorization code stays valid (Mastodon: 10 minutes).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
