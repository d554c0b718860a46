using Gateway.Accounts;
using Gateway.Api;
using Gateway.Audit;
using Gateway.Auth;
using Gateway.Freeze;
using Gateway.Notifications;
using Gateway.Reviews;
using Gateway.Posts;
using Gateway.Publishing;
using Gateway.Publishing.Bluesky;
using Gateway.Rules;
using Gateway.Rules.Links;

using Gateway.Rules.Net;
using Gateway.Rules.Checks;
using Gateway.Rules.Packs;
using Gateway.Rules.Trends;
using Gateway.Scheduling;
using Gateway.Storage;
using Gateway.Trends;
using Gateway.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Quartz;

namespace Gateway;

/// <summary>Wires the gateway together: storage, checks, Quartz, publishing, the API.</summary>
public static class GatewayHost
{
    public const string DefaultUrl = "http://127.0.0.1:5080";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        // Posts are at most a few kilobytes; nothing the API takes needs more than this.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 1024 * 1024);
        var options = LoadOptions(builder.Configuration, builder.Environment.ContentRootPath);
        AddServices(builder.Services, options);
        Telemetry.TelemetrySetup.AddServices(builder.Services, builder.Configuration, options.Telemetry);

        var app = builder.Build();
        // The other rule files were read by AddServices; the packs are read here, before the host starts, so that a
        // broken file stops the start with one line (Program prints it) instead of a host failure and a stack trace.
        _ = app.Services.GetRequiredService<IRulePackSource>();
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        Web.WebUi.UseAssets(app);
        app.UseAuthentication();
        // After authentication (the API's limit is per token), before authorization (so refused tokens count too).
        app.UseRateLimiter();
        app.UseAuthorization();
        Endpoints.Map(app);
        Proxy.MastodonProxyEndpoints.Map(app);
        Health.HealthEndpoints.Map(app);
        ApiDocument.Map(app);
        Telemetry.TelemetrySetup.Map(app, options.Telemetry);
        Web.WebUi.Map(app);
        return app;
    }

    /// <summary>Reads the <c>Gateway</c> section and makes its paths absolute, creating the data directory.</summary>
    public static GatewayOptions LoadOptions(IConfiguration configuration, string contentRoot)
    {
        var options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        options.DataDir = Path.GetFullPath(options.DataDir);
        options.RulesDir = ResolveRulesDir(options.RulesDir, contentRoot);
        Directory.CreateDirectory(options.DataDir);
        return options;
    }

    public static void AddServices(IServiceCollection services, GatewayOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        var dialect = Database.For(options);
        services.AddSingleton(dialect);
        services.AddSingleton<Database>();
        services.AddSingleton<Cluster.ClusterNodes>();
        services.AddSingleton<Cluster.OrphanedSends>();
        // The first hosted service: the schema is current before anything else starts (Data Protection reads its key
        // ring from the database on a cluster), and the queue is consistent before Quartz fires the first trigger.
        services.AddHostedService<QueueStartup>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<ConnectionStore>();
        services.AddSingleton<ConnectFlow>();
        // Account secrets and sign-in cookies: the key ring stays with the data it protects, in the data directory
        // of the one node, or in the database every node of a cluster shares.
        var protection = services.AddDataProtection().SetApplicationName(ConnectionStore.ApplicationName);
        if (dialect.Clustered)
        {
            services.AddSingleton<DatabaseKeyRing>();
            services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
                .Configure<DatabaseKeyRing>((o, ring) => o.XmlRepository = ring);
        }
        else
        {
            protection.PersistKeysToFileSystem(ConnectionStore.KeyRing(options));
        }
        services.AddSingleton<Media.ImageCleaner>();
        services.AddSingleton<Media.MediaStore>();
        services.AddSingleton<Publishing.PostImages>();
        services.AddSingleton<PostStore>();
        services.AddSingleton<PostAccess>();
        services.AddSingleton<FreezeStore>();
        services.AddSingleton<PostScheduler>();
        services.AddSingleton<PostQueue>();
        services.AddSingleton<PostService>();
        services.AddSingleton<PublishFence>();
        services.AddSingleton<DeliveryLookup>();
        services.AddSingleton<KillSwitch>();
        services.AddHostedService<FreezeWatcher>();
        services.AddSingleton<IncidentLog>();
        services.AddSingleton(ReviewPolicy.Load(options.RulesDir));
        services.AddSingleton<ReviewStore>();
        services.AddSingleton<ReviewService>();
        services.AddSingleton(options.Notifications);
        services.AddSingleton<UserInbox>();
        services.AddSingleton<Notifier>();
        services.AddHostedService<NotificationDispatcher>();
        services.AddHttpClient(NotificationDispatcher.ClientName, c =>
            {
                c.Timeout = TimeSpan.FromSeconds(10);
                c.DefaultRequestHeaders.UserAgent.ParseAdd("CrisisGateway/1.0 (+notifications)");
            })
            .ConfigurePrimaryHttpMessageHandler(() => AddressGuard.CreateHandler(options.Notifications.AllowPrivateAddresses));

        services.AddSingleton(NetworkLimits.Load(options.RulesDir));
        // Created by the container so that it is disposed with the host; Build resolves it before the host starts.
        services.AddSingleton<IRulePackSource>(sp => WatchRules(sp, options.RulesDir));
        services.AddSingleton(HashtagRegistry.Load(options.RulesDir));
        var (tripwires, brands) = Tripwires.Load(options.RulesDir);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<Tripwires>(sp, tripwires, brands));
        services.AddSingleton<TrendStore>();
        services.AddSingleton<ITrendSource>(sp => sp.GetRequiredService<TrendStore>());
        services.AddSingleton<ICheck, HashtagContextCheck>();
        services.AddSingleton<AccountDirectory>();
        services.AddSingleton<IAccountDirectory>(sp => sp.GetRequiredService<AccountDirectory>());
        services.AddSingleton<ICheck, WrongAccountCheck>();
        services.AddSingleton(options.Links);
        services.AddSingleton(LinkRules.Load(options.RulesDir));
        services.AddSingleton<IUrlFetcher>(sp => new Telemetry.TimedUrlFetcher(
            new HttpUrlFetcher(sp.GetRequiredService<LinkRules>(), options.Links), sp.GetRequiredService<Telemetry.GatewayMetrics>()));
        services.AddSingleton<ICheck, LinkCheck>();
        services.AddSingleton(options.HashtagHistory);
        services.AddSingleton<Hashtags.IHashtagSource, Hashtags.MastodonTagTimeline>();
        services.AddSingleton<Hashtags.IHashtagSource, Hashtags.BlueskyTagSearch>();
        services.AddSingleton<Hashtags.HashtagSampler>();
        services.AddSingleton<Rules.Hashtags.IHashtagSampler>(sp => sp.GetRequiredService<Hashtags.HashtagSampler>());
        services.AddSingleton<ICheck, Rules.Hashtags.HashtagHistoryCheck>();
        // The default checks read the packs' current set; other checks (links, and any a deployment adds) come as ICheck.
        services.AddSingleton(sp => new CheckPipeline([
            .. DefaultChecks.Create(sp.GetRequiredService<IRulePackSource>(), sp.GetRequiredService<NetworkLimits>(), sp.GetRequiredService<ITrendSource>()),
            .. sp.GetServices<ICheck>()]));

        services.AddSingleton<IPublisher, OutboxPublisher>();
        services.AddSingleton<IPublisher, WebhookPublisher>();
        services.AddSingleton<IPublisher, Publishing.Mastodon.MastodonPublisher>();
        services.AddSingleton<INetworkAuthorization, Publishing.Mastodon.MastodonAuthorization>();
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<Publishing.X.XAuthorization>();
        services.AddSingleton<INetworkAuthorization>(sp => sp.GetRequiredService<Publishing.X.XAuthorization>());
        services.AddSingleton<Publishing.X.XPublisher>();
        services.AddSingleton<IPublisher>(sp => sp.GetRequiredService<Publishing.X.XPublisher>());
        services.AddSingleton<Publishing.LinkedIn.LinkedInAuthorization>();
        services.AddSingleton<INetworkAuthorization>(sp => sp.GetRequiredService<Publishing.LinkedIn.LinkedInAuthorization>());
        services.AddSingleton<Publishing.LinkedIn.LinkedInPublisher>();
        services.AddSingleton<IPublisher>(sp => sp.GetRequiredService<Publishing.LinkedIn.LinkedInPublisher>());
        services.AddSingleton<BlueskySession>();
        services.AddSingleton<IPublisher, BlueskyPublisher>();
        services.AddHttpClient(NetworkCall.ClientName, c =>
            {
                c.Timeout = options.Publishing.Timeout;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("CrisisGateway/1.0 (+publisher)");
            })
            .ConfigurePrimaryHttpMessageHandler(() => AddressGuard.CreateHandler(options.Publishing.AllowPrivateAddresses));

        services.AddHostedService<Cluster.ClusterMembership>();
        // After QueueStartup has migrated the database: loads the accounts before the first post is checked.
        services.AddHostedService(sp => sp.GetRequiredService<AccountDirectory>());
        services.AddQuartz(q =>
        {
            q.UsePersistentStore(store =>
            {
                dialect.ConfigureScheduler(store, options.Cluster);
                store.UseSystemTextJsonSerializer();
                store.ProvisionSchema();
                store.ConfigureStore(o => o.StoreJobDataAsStrings = true);
            });
            // Clustered, each node gets a generated instance id (Quartz's AUTO): see ISqlDialect.ConfigureScheduler.
            q.ConfigureScheduler(s =>
            {
                s.InstanceName = options.SchedulerName;
                s.MaxBatchSize = options.Scheduler.Threads;
                s.BatchTriggerAcquisitionFireAheadTimeWindow = options.Scheduler.FireAhead;
            });
            q.ScheduleJob<QueueReconciler>(
                trigger => trigger.WithIdentity(QueueReconciler.Key.Name, QueueReconciler.Key.Group).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(QueueReconciler.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
                job => job.WithIdentity(QueueReconciler.Key));
            q.ScheduleJob<ConnectionRenewal>(
                trigger => trigger.WithIdentity(ConnectionRenewal.Key.Name, ConnectionRenewal.Key.Group).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(ConnectionRenewal.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
                job => job.WithIdentity(ConnectionRenewal.Key));
            q.ScheduleJob<HashtagQuoteSweep>(
                trigger => trigger.WithIdentity(HashtagQuoteSweep.Key.Name, HashtagQuoteSweep.Key.Group).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(HashtagQuoteSweep.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NowWithExistingCount)),
                job => job.WithIdentity(HashtagQuoteSweep.Key));
            q.UseDefaultThreadPool(options.Scheduler.Threads);
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);

        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<JsonOptions>(o => RequestJson.Configure(JsonDefaults.Configure(o.SerializerOptions)));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, Proxy.ProxyAuthentication>(Proxy.ProxyAuthentication.SchemeName, null);
        Proxy.MastodonProxyEndpoints.AddServices(services, options.Proxy);
        SingleSignOn.Add(services.AddAuthentication(), options.Oidc);
        services.AddAuthorization(Policies.Add);
        RateLimits.AddServices(services, options.RateLimits);
        ProxyHeaders.AddServices(services, options.ForwardedHeaders);
        Health.HealthEndpoints.AddServices(services, options.Health);
        ApiDocument.AddServices(services);
        Web.WebUi.AddServices(services);
    }

    /// <summary>A failed reload keeps the last good packs; the log, /health and the admin pages say why.</summary>
    private static RulePackWatcher WatchRules(IServiceProvider services, string rulesDir)
    {
        var log = services.GetRequiredService<ILogger<RulePackWatcher>>();
        var watcher = new RulePackWatcher(rulesDir, time: services.GetRequiredService<TimeProvider>());
        watcher.ReloadFailed += e => log.LogError("Rule packs not reloaded; the last good set stays in use: {Problem}", e.Message);
        watcher.Reloaded += set => log.LogInformation("Rule packs reloaded: {Count}", set.Packs.Count);
        return watcher;
    }

    /// <summary>
    /// <c>rules</c> is found from the current directory, or else beside the project (so <c>dotnet run --project
    /// Gateway</c> works from any folder).
    /// </summary>
    private static string ResolveRulesDir(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured) || Directory.Exists(configured))
        {
            return Path.GetFullPath(configured);
        }
        var besideProject = Path.GetFullPath(Path.Combine(contentRoot, "..", configured));
        return Directory.Exists(besideProject) ? besideProject : Path.GetFullPath(configured);
    }
}
