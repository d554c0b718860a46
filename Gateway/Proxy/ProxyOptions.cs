namespace Gateway.Proxy;

/// <summary><c>Gateway:Proxy</c>: the Mastodon-compatible proxy.</summary>
public sealed class ProxyOptions
{
    /// <summary>
    /// How long <c>POST /api/v1/statuses</c> for "now" waits for the post to go out before it answers "queued"
    /// (202 with a ScheduledStatus). Long enough for an ordinary send; zero answers at once.
    /// </summary>
    public TimeSpan PublishWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A status for "now" that needs a second opinion is scheduled this far ahead, for the reviewers: at its own time
    /// (now) the gateway would expire it unreviewed. A reviewer approves the text at that time (the time is part of
    /// what is approved), so an approved post goes out when the window ends; unapproved by then, it expires.
    /// </summary>
    public TimeSpan ReviewWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long an OAuth authorization code stays valid (Mastodon: 10 minutes).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
