namespace Gateway;

/// <summary>The <c>Gateway</c> configuration section (environment: <c>Gateway__DataDir</c> and so on).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>Where the SQLite database, the Quartz store and the outbox live.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>The rule packs (YAML).</summary>
    public string RulesDir { get; set; } = "rules";

    /// <summary>The longest post body accepted, in UTF-16 code units; network limits are a rule, this is a sanity bound.</summary>
    public int MaxBodyLength { get; set; } = 10_000;

    /// <summary>
    /// How late a post may still go out. A post that finds itself later than this (the gateway was down, or it came
    /// due during a freeze) is held for someone to confirm, never published out of its moment.
    /// </summary>
    public TimeSpan LateGrace { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// A post submitted for "now" (no time; the dashboard's, the API's or a Mastodon client's) that needs a second
    /// opinion is scheduled this far ahead, for the reviewers: at "now" the gateway would expire it unreviewed. A
    /// reviewer approves the text at that time (the time is part of what is approved), so an approved post goes out
    /// when the window ends; unapproved by then, it expires.
    /// </summary>
    public TimeSpan ReviewWindow { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Quartz's scheduler name, stored with every trigger: keep it stable for a data directory.</summary>
    public string SchedulerName { get; set; } = "crisis-gateway";

    /// <summary><c>Gateway:Database:Provider</c> (<c>sqlite</c> or <c>postgres</c>) and its connection string.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>How the nodes of a cluster (PostgreSQL only) tell each other apart and notice one that died.</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>Quartz's thread pool and how it takes due triggers from its store.</summary>
    public SchedulerOptions Scheduler { get; set; } = new();

    public PublishingOptions Publishing { get; set; } = new();

    public Notifications.NotificationOptions Notifications { get; set; } = new();

    /// <summary><c>Gateway:Links:Enabled</c> (network checks on or off) and <c>Gateway:Links:AllowPrivateAddresses</c>.</summary>
    public Rules.Links.LinkCheckOptions Links { get; set; } = new();

    /// <summary><c>Gateway:HashtagHistory:*</c>: reading a hashtag's recent posts before a post joins it (README, "Hashtag history").</summary>
    public Rules.Hashtags.HashtagHistoryOptions HashtagHistory { get; set; } = new();

    /// <summary><c>Gateway:RateLimits</c>: requests per window per token on the API, per address on the sign-in form.</summary>
    public Api.RateLimitOptions RateLimits { get; set; } = new();

    /// <summary><c>Gateway:ForwardedHeaders</c>: the reverse proxies whose <c>X-Forwarded-*</c> headers are believed.</summary>
    public Api.ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary><c>Gateway:Telemetry</c>: the Prometheus endpoint.</summary>
    public Telemetry.TelemetryOptions Telemetry { get; set; } = new();

    /// <summary><c>Gateway:Health</c>: thresholds of <c>/health/ready</c>.</summary>
    public Health.HealthOptions Health { get; set; } = new();

    /// <summary><c>Gateway:Oidc</c>: single sign-on with an OpenID provider; off unless its authority and client are set.</summary>
    public Auth.SingleSignOnOptions Oidc { get; set; } = new();

    /// <summary><c>Gateway:Media:MaxBytes</c> and <c>Gateway:Media:MaxPixels</c>: what <c>POST /api/media</c> accepts.</summary>
    public Media.MediaOptions Media { get; set; } = new();

    /// <summary>The Mastodon-compatible proxy (<c>/api/v1</c>, <c>/api/v2</c>, <c>/oauth</c>).</summary>
    public Proxy.ProxyOptions Proxy { get; set; } = new();

    public string DatabasePath => Path.Combine(DataDir, "gateway.db");

    public string SchedulerPath => Path.Combine(DataDir, "quartz.db");

    /// <summary>A rule file's problem as <c>rules/topics/x.yml:4:11: …</c>, for /health and the admin pages.</summary>
    public string Describe(Rules.RuleFileException problem) => problem.RelativeTo(Path.GetDirectoryName(RulesDir) ?? RulesDir);
}

public sealed class DatabaseOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c>: two files in the data directory, one node. <c>postgres</c>: one database for every node.</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>An Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>); only for <c>postgres</c>.</summary>
    public string? ConnectionString { get; set; }
}

public sealed class SchedulerOptions
{
    /// <summary>Posts published at once by a node, and the most triggers it takes from the store in one round (one commit).</summary>
    public int Threads { get; set; } = 25;

    /// <summary>
    /// How far ahead of its time a trigger may be taken in a round with others, so a burst costs a few commits
    /// instead of one per post. The fire-time gate waits out the rest: nothing is published before its time.
    /// </summary>
    public TimeSpan FireAhead { get; set; } = TimeSpan.FromSeconds(1);
}

public sealed class ClusterOptions
{
    /// <summary>How often a node tells the others (Quartz's check-in and the gateway's own node row) that it is alive.</summary>
    public TimeSpan CheckinInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long past a missed check-in the others wait before they take a node's work over: its triggers (Quartz's
    /// recovery) and its sends caught mid-publish (held as unconfirmed and asked about).
    /// </summary>
    public TimeSpan CheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class PublishingOptions
{
    /// <summary>Tries per post for transient failures (5xx, 408, 429, timeouts, connection errors) before it is failed.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Delay before the first retry; later ones back off exponentially with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one call to a network or webhook may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// After an interrupted send (a freeze mid-send, a timeout, a crash), how long a network that does not have the post
    /// may still create it from a request it already received. Until then the post stays unconfirmed and is asked
    /// about again; only afterwards is it held as certainly unsent, safe to reschedule.
    /// </summary>
    public TimeSpan SettleWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Lets publishers reach loopback and private addresses: only for tests and closed intranets.</summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>The gateway's public address, for the OAuth redirect (<c>{PublicUrl}/connect/callback</c>); unset, the request's own.</summary>
    public string? PublicUrl { get; set; }

    public MastodonOptions Mastodon { get; set; } = new();

    public LinkedInOptions LinkedIn { get; set; } = new();

    public XOptions X { get; set; } = new();
}

/// <summary>Mastodon takes its address from each account's instance; the gateway registers itself there as this app.</summary>
public sealed class MastodonOptions
{
    public string AppName { get; set; } = "CrisisGateway";

    /// <summary>Shown to people on the instance's consent page.</summary>
    public string? Website { get; set; }
}

/// <summary>The LinkedIn app (developer portal): its client, the API version it was approved for, and the addresses.</summary>
public sealed class LinkedInOptions
{
    public string BaseUrl { get; set; } = "https://api.linkedin.com";

    /// <summary>Where the authorization and token endpoints live (<c>/authorization</c>, <c>/accessToken</c>).</summary>
    public string OAuthUrl { get; set; } = "https://www.linkedin.com/oauth/v2";

    /// <summary>The <c>LinkedIn-Version</c> header, YYYYMM.</summary>
    public string Version { get; set; } = "202511";

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }
}

/// <summary>The X app (developer portal): its OAuth 2.0 client and the addresses.</summary>
public sealed class XOptions
{
    public string BaseUrl { get; set; } = "https://api.x.com";

    public string AuthorizeUrl { get; set; } = "https://x.com/i/oauth2/authorize";

    public string? ClientId { get; set; }

    /// <summary>Only for a confidential client; public clients use PKCE alone.</summary>
    public string? ClientSecret { get; set; }
}
