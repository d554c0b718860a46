namespace Gateway.Notifications;

/// <summary><c>Gateway:Notifications</c>: where the team hears about what needs them.</summary>
public sealed class NotificationOptions
{
    public List<WebhookTarget> Webhooks { get; set; } = [];

    /// <summary>How often the outbox is looked at for deliveries that are due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>First retry delay for a receiver that is down; doubles up to <see cref="MaxRetryDelay"/>, forever.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Lets webhooks reach loopback and private addresses: only for tests and closed intranets.</summary>
    public bool AllowPrivateAddresses { get; set; }
}

/// <summary>One receiver. Empty <see cref="Roles"/> or <see cref="Accounts"/> means all of them.</summary>
public sealed class WebhookTarget
{
    /// <summary>Stable name: deliveries are recorded per name, so renaming one re-sends nothing and loses nothing.</summary>
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";

    /// <summary><c>slack</c> (Slack/Mattermost incoming webhook: <c>{"text": …}</c>) or <c>json</c> (the whole notification).</summary>
    public string Format { get; set; } = "slack";

    public List<string> Roles { get; set; } = [];
    public List<string> Accounts { get; set; } = [];

    public bool Wants(NotificationEvent notification) =>
        (Roles.Count == 0 || notification.Roles.Count == 0 || notification.Roles.Intersect(Roles, StringComparer.OrdinalIgnoreCase).Any())
        && (Accounts.Count == 0 || notification.Account is null || Accounts.Contains(notification.Account, StringComparer.OrdinalIgnoreCase));
}
