using System.Net;
using Gateway.Freeze;
using Gateway.Posts;
using Gateway.Rules;
using Gateway.Scheduling;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Quartz;

namespace Gateway.Tests;

public abstract class KillSwitchTests(Engine engine)
{
    [Fact]
    public async Task Posts_due_right_after_the_freeze_are_held_at_their_time_and_stay_held_after_the_unfreeze()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var due = DateTimeOffset.UtcNow.AddSeconds(1.5);
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await admin.SubmitAsync("acme", $"Post {i}", due)).GetProperty("id").GetString()!);
        }

        await Task.Delay(TimeSpan.FromTicks(Math.Max(0, (due - DateTimeOffset.UtcNow - TimeSpan.FromMilliseconds(300)).Ticks)));
        var freeze = await admin.FreezeAsync("Shooting in Aurora");
        Assert.Equal(HttpStatusCode.OK, freeze.StatusCode);
        var state = await freeze.ReadJsonAsync();
        Assert.True(state.GetProperty("frozen").GetBoolean());
        Assert.Equal("root", state.GetProperty("by").GetString());

        // The triggers keep firing: during the crisis each post is held at its time, so the team sees what it stopped.
        foreach (var id in ids)
        {
            Assert.Equal("held", await admin.WaitForStatusAsync(id, "held", "published"));
        }
        Assert.Empty(gateway.OutboxIds());

        var unfrozen = await admin.UnfreezeAsync();
        Assert.Equal(ids.Order(), unfrozen.GetProperty("held").EnumerateArray().Select(e => e.GetString()!).Order());
        await Task.Delay(1500); // nothing comes out after the unfreeze either
        Assert.Empty(gateway.OutboxIds());
        foreach (var id in ids)
        {
            var post = await admin.GetPostAsync(id);
            Assert.Equal("held", post.GetProperty("status").GetString());
            Assert.Contains("frozen", post.GetProperty("statusReason").GetString());
        }
    }

    [Fact]
    public async Task A_freeze_racing_the_fire_time_gate_never_lets_a_post_out_after_it_returns()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var job = ActivatorUtilities.CreateInstance<PublishJob>(gateway.Services);
        var killSwitch = gateway.Service<KillSwitch>();

        for (var round = 0; round < 20; round++)
        {
            var id = (await admin.SubmitAsync("acme", $"Race {round}", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
            var fire = Task.Run(() => job.FireAsync(id, CancellationToken.None));
            await Task.Delay(round % 5); // land the freeze at different points of the gate
            await killSwitch.FreezeAsync("race", null, "root", CancellationToken.None);
            var publishedWhenFreezeReturned = gateway.OutboxIds().Contains(id);
            await fire;

            var status = await admin.StatusAsync(id);
            Assert.Equal(publishedWhenFreezeReturned, gateway.OutboxIds().Contains(id));
            Assert.Equal(publishedWhenFreezeReturned ? "published" : "held", status);
            await killSwitch.UnfreezeAsync(null, "next round", "root", CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_post_already_inside_the_gate_when_the_freeze_lands_is_held_not_published()
    {
        var check = new BlockingCheck();
        using var gateway = new TestGateway(services: s => s.AddSingleton<ICheck>(check), engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var id = (await admin.SubmitAsync("acme", "Happy Friday!", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;

        check.Armed = true;
        await check.Entered.WaitAsync(TimeSpan.FromSeconds(30)); // the job is running its fire-time checks
        Assert.Equal(HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);
        check.Release();

        Assert.Equal("held", await admin.WaitForStatusAsync(id, "held", "published"));
        Assert.Empty(gateway.OutboxIds());
        Assert.Contains("frozen", (await admin.GetPostAsync(id)).GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task Posts_submitted_during_a_freeze_are_checked_but_not_released_and_future_ones_resume()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var gateway = new TestGateway(services: s => s.AddSingleton<TimeProvider>(clock), engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme"); // network x: at most 280 characters
        await admin.FreezeAsync();

        var stale = (await admin.SubmitAsync("acme", "Due during the freeze", clock.GetUtcNow().AddSeconds(1))).GetProperty("id").GetString()!;
        var later = (await admin.SubmitAsync("acme", "Due after the freeze", clock.GetUtcNow().AddSeconds(4))).GetProperty("id").GetString()!;
        var tooLong = await admin.SubmitAsync("acme", new string('x', 300), clock.GetUtcNow().AddSeconds(4));
        // The checks run during a freeze as at any time: 300 characters is over x's limit, so this one is blocked.
        Assert.Equal("blocked", tooLong.GetProperty("status").GetString());
        Assert.Equal("network.length", tooLong.GetProperty("findings")[0].GetProperty("rule").GetString());

        clock.Advance(TimeSpan.FromSeconds(2)); // stale's time passes while the queue is frozen: held then and there
        Assert.Equal("held", await admin.WaitForStatusAsync(stale, "held", "published"));

        var unfrozen = await admin.UnfreezeAsync();
        Assert.Equal([stale], unfrozen.GetProperty("held").EnumerateArray().Select(e => e.GetString()!).ToArray());
        // Quartz reads the same clock (it takes the container's TimeProvider): later's time comes when the clock says so.
        clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal("published", await admin.WaitForStatusAsync(later, "published", "held"));
        Assert.Equal("held", await admin.StatusAsync(stale));
        Assert.DoesNotContain(stale, gateway.OutboxIds());
    }

    [Fact]
    public async Task The_freeze_survives_a_restart()
    {
        string dataDir, id;
        using (var first = new TestGateway(engine: engine))
        {
            var admin = await first.SignInAsync("root", "admin");
            await admin.CreateAccountAsync("acme");
            id = (await admin.SubmitAsync("acme", "Scheduled before the crisis", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
            await admin.FreezeAsync("Hurricane");
            dataDir = first.DataDir;
        }

        using var second = new TestGateway(dataDir, engine: engine);
        var state = await second.Service<FreezeStore>().GetAsync();
        Assert.True(state.Frozen);
        Assert.Equal("Hurricane", state.Reason);
        var reader = await second.SignInAsync("rita", "reviewer");
        var shown = await (await reader.GetAsync("/api/freeze")).ReadJsonAsync();
        Assert.True(shown.GetProperty("frozen").GetBoolean());

        // When the post's time comes, the gate holds it.
        var atItsTime = new FakeTimeProvider((await reader.GetPostAsync(id)).GetProperty("scheduledAt").GetDateTimeOffset());
        await ActivatorUtilities.CreateInstance<PublishJob>(second.Services, (TimeProvider)atItsTime).FireAsync(id, CancellationToken.None);
        var post = await reader.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.Contains("Hurricane", post.GetProperty("statusReason").GetString());
        Assert.Empty(second.OutboxIds());
    }

    [Fact]
    public async Task A_post_whose_time_passed_while_the_gateway_was_down_is_held_on_start()
    {
        string dataDir, id;
        using (var first = new TestGateway(engine: engine))
        {
            var admin = await first.SignInAsync("root", "admin");
            await admin.CreateAccountAsync("acme");
            id = (await admin.SubmitAsync("acme", "Happy Friday!", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
            dataDir = first.DataDir;
        }

        // It comes back an hour later by its clock: far past the post's time and LateGrace (5 s in tests).
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(1));
        using var second = new TestGateway(dataDir, services: s => s.AddSingleton<TimeProvider>(clock), engine: engine);
        var reader = await second.SignInAsync("rita", "reviewer");
        Assert.Equal("held", await reader.WaitForStatusAsync(id, "held", "published"));
        Assert.Contains("60 min late", (await reader.GetPostAsync(id)).GetProperty("statusReason").GetString());
        Assert.Empty(second.OutboxIds());
    }

    [Fact]
    public async Task Freezing_needs_a_reason_and_unfreezing_a_thawed_queue_is_a_conflict()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var noReason = await admin.PostJsonAsync("/api/freeze", new { reason = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", (await noReason.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.False((await gateway.Service<FreezeStore>().GetAsync()).Frozen);

        var request = new HttpRequestMessage(HttpMethod.Delete, "/api/freeze") { Content = Support.Api.JsonContent(new { reason = "x" }) };
        Assert.Equal(HttpStatusCode.Conflict, (await admin.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_freeze_and_an_unfreeze_change_no_trigger()
    {
        using var gateway = new TestGateway(engine: engine);
        var posts = gateway.Service<PostScheduler>();
        var killSwitch = gateway.Service<KillSwitch>();
        var quartz = await gateway.Service<ISchedulerFactory>().GetScheduler();
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var keys = Enumerable.Range(0, 50).Select(i => new TriggerKey($"p{i}", PostScheduler.PostsGroup)).ToArray();
        await posts.ScheduleManyAsync(keys.Select((k, i) => (k.Name, start.AddMinutes(i))).ToList());

        await killSwitch.FreezeAsync("drill", null, "root", CancellationToken.None);
        Assert.Equal([TriggerState.Normal], await StatesAsync(quartz, keys));
        Assert.Empty(await quartz.GetPausedTriggerGroups());

        await killSwitch.UnfreezeAsync(null, "all clear", "root", CancellationToken.None);
        Assert.Equal([TriggerState.Normal], await StatesAsync(quartz, keys));
        Assert.Equal(start.AddMinutes(49), (await quartz.GetTrigger(keys[^1]))!.NextFireTimeUtc);
    }

    [Fact]
    public async Task A_post_due_during_a_freeze_whose_trigger_fires_only_after_the_unfreeze_is_held()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var gateway = new TestGateway(services: s => s.AddSingleton<TimeProvider>(clock), engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        var id = (await admin.SubmitAsync("acme", "Due in the middle of the crisis", clock.GetUtcNow().AddMinutes(10))).GetProperty("id").GetString()!;
        await gateway.Service<PostScheduler>().UnscheduleAsync(id); // its trigger will be late: it fires after the unfreeze
        var killSwitch = gateway.Service<KillSwitch>();

        clock.Advance(TimeSpan.FromMinutes(9));
        var freeze = await killSwitch.FreezeAsync("Flood", null, "root", CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(2)); // the post's time passes inside the freeze
        await killSwitch.UnfreezeAsync(null, "over", "root", CancellationToken.None);
        clock.Advance(TimeSpan.FromSeconds(1)); // within LateGrace: only the freeze can hold it now

        await ActivatorUtilities.CreateInstance<PublishJob>(gateway.Services).FireAsync(id, CancellationToken.None);
        var post = await admin.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.Contains("Flood", post.GetProperty("statusReason").GetString());
        Assert.Equal([id], await gateway.Service<PostStore>().HeldForAsync(freeze.Id));
        Assert.Empty(gateway.OutboxIds());
    }

    [Fact]
    public async Task Every_post_of_a_large_queue_is_published_once_after_an_unfreeze()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "outbox");
        var service = gateway.Service<PostService>();
        var author = new User("root", Role.Admin, default, null);
        await admin.FreezeAsync();

        // Submitted while frozen, due after the unfreeze below.
        var due = DateTimeOffset.UtcNow.AddSeconds(20);
        var ids = new List<string>();
        for (var i = 0; i < 130; i++)
        {
            ids.Add((await service.SubmitAsync(new SubmitPost("acme", $"Queued post {i}", due.AddMilliseconds(i * 10).ToString("O")), author, CancellationToken.None)).Id);
        }
        var unfrozen = await admin.UnfreezeAsync();
        Assert.True(DateTimeOffset.UtcNow < due, "setup took longer than the lead time; raise it");
        Assert.Empty(unfrozen.GetProperty("held").EnumerateArray());

        await Eventually.WaitForAsync(() => Task.FromResult(gateway.OutboxIds()), published => published.Length >= ids.Count, "all posts published", seconds: 60);
        await Task.Delay(1000); // room for a duplicate to show
        Assert.Equal(ids.Order(), gateway.OutboxIds().Order());
    }

    private static async Task<TriggerState[]> StatesAsync(IScheduler quartz, IEnumerable<TriggerKey> keys)
    {
        var states = new HashSet<TriggerState>();
        foreach (var key in keys)
        {
            states.Add(await quartz.GetTriggerState(key));
        }
        return [.. states];
    }

    /// <summary>A fire-time check that, once armed, waits inside the gate until the test lets it go.</summary>
    private sealed class BlockingCheck : ICheck
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public volatile bool Armed;
        public string Name => "blocking";
        public bool RerunAtFireTime => true;
        public Task Entered => _entered.Task;
        public void Release() => _release.TrySetResult();

        public async ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
        {
            if (Armed)
            {
                _entered.TrySetResult();
                await _release.Task.WaitAsync(cancellationToken);
            }
            return [];
        }
    }
}

public sealed class KillSwitchOnSqlite() : KillSwitchTests(Engine.Sqlite);

public sealed class KillSwitchOnPostgres() : KillSwitchTests(Engine.Postgres);
