using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;
using Quartz;

namespace Gateway.Tests;

/// <summary><c>/health/live</c> and <c>/health/ready</c>: the framework's health checks, open without a token, on both engines.</summary>
public abstract class HealthTests(Engine engine)
{
    [Fact]
    public async Task Live_and_ready_answer_without_a_token_with_each_check()
    {
        using var gateway = new TestGateway(engine: engine);
        using var anonymous = gateway.CreateClient();
        var live = await anonymous.GetAsync("/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (await live.ReadJsonAsync()).GetProperty("status").GetString());

        var ready = await ReadyAsync(anonymous);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Healthy", ready.Json.GetProperty("status").GetString());
        var checks = ready.Json.GetProperty("checks");
        Assert.Equal(["database", "notifications", "rules", "scheduler"], checks.EnumerateObject().Select(c => c.Name).Order());
        Assert.All(checks.EnumerateObject(), c => Assert.Equal("Healthy", c.Value.GetProperty("status").GetString()));
        Assert.Equal(engine == Engine.Postgres ? "postgres" : "sqlite", checks.GetProperty("database").GetProperty("data").GetProperty("provider").GetString());
        Assert.True(checks.GetProperty("rules").GetProperty("data").GetProperty("packs").GetInt32() > 0);
        // The old probe stays as it was.
        Assert.Equal("ok", (await (await anonymous.GetAsync("/health")).ReadJsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_scheduler_that_is_not_running_makes_the_node_unready_but_still_live()
    {
        using var gateway = new TestGateway(engine: engine);
        using var anonymous = gateway.CreateClient();
        // A node under load may take a moment to be ready after it starts (each check says why until then).
        await ReadySoonAsync(anonymous);
        var scheduler = await gateway.Service<ISchedulerFactory>().GetScheduler();
        await scheduler.Standby();
        try
        {
            var ready = await ReadyAsync(anonymous);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
            Assert.Equal("Unhealthy", ready.Json.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        }
        finally
        {
            await scheduler.Start();
        }
        await ReadySoonAsync(anonymous);
    }

    [Fact]
    public async Task A_failed_rule_reload_is_degraded_with_the_problem_and_the_node_stays_ready()
    {
        var rules = RulesCopy.With();
        var pack = Path.Combine(rules, "topics", "violence.yml");
        using var gateway = new TestGateway(settings: new() { ["Gateway:RulesDir"] = rules }, watchRules: true, engine: engine);
        using var anonymous = gateway.CreateClient();
        Assert.Equal("Healthy", (await ReadyAsync(anonymous)).Json.GetProperty("checks").GetProperty("rules").GetProperty("status").GetString());

        File.WriteAllText(pack, File.ReadAllText(pack).Replace("category: violence", "category: [violence", StringComparison.Ordinal));
        var broken = await Eventually.WaitForAsync(() => ReadyAsync(anonymous),
            r => r.Json.GetProperty("checks").GetProperty("rules").GetProperty("status").GetString() == "Degraded", "the failed reload on /health/ready");
        Assert.Equal(HttpStatusCode.OK, broken.Status);
        Assert.Equal("Degraded", broken.Json.GetProperty("status").GetString());
        Assert.Contains("topics/violence.yml", broken.Json.GetProperty("checks").GetProperty("rules").GetProperty("description").GetString());
    }

    [Fact]
    public async Task Undelivered_notifications_past_the_threshold_are_degraded()
    {
        using var gateway = new TestGateway(settings: new()
        {
            ["Gateway:Health:NotificationBacklog"] = "0",
            ["Gateway:Notifications:AllowPrivateAddresses"] = "true",
            ["Gateway:Notifications:Webhooks:0:Name"] = "team",
            ["Gateway:Notifications:Webhooks:0:Url"] = "http://127.0.0.1:9/nobody-listens",
            ["Gateway:Notifications:Webhooks:0:Format"] = "json",
        }, engine: engine);
        using var anonymous = gateway.CreateClient();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        Assert.Equal("Healthy", (await ReadyAsync(anonymous)).Json.GetProperty("checks").GetProperty("notifications").GetProperty("status").GetString());

        // Needs a second opinion: the reviewers are told, through a receiver that is down.
        var post = await admin.SubmitAsync("acme", "We will never forget the school shooting.", DateTimeOffset.UtcNow.AddDays(1));
        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        var ready = await ReadyAsync(anonymous);
        var notifications = ready.Json.GetProperty("checks").GetProperty("notifications");
        Assert.Equal(("Degraded", HttpStatusCode.OK), (notifications.GetProperty("status").GetString(), ready.Status));
        Assert.True(notifications.GetProperty("data").GetProperty("undelivered").GetInt64() >= 1);
    }

    private static Task ReadySoonAsync(HttpClient client) =>
        Eventually.WaitForAsync(() => ReadyAsync(client), r => r.Status == HttpStatusCode.OK, "the node to be ready");

    private static async Task<(HttpStatusCode Status, JsonElement Json)> ReadyAsync(HttpClient client)
    {
        var response = await client.GetAsync("/health/ready");
        return (response.StatusCode, await response.ReadJsonAsync());
    }
}

public sealed class HealthOnSqlite() : HealthTests(Engine.Sqlite);

public sealed class HealthOnPostgres() : HealthTests(Engine.Postgres);
