using Gateway.Audit;
using Gateway.Posts;
using Gateway.Scheduling;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Gateway.Tests;

/// <summary>The reconciler's two jobs, each driven directly: interrupted sends settled by asking, missing triggers restored.</summary>
public abstract class QueueReconcilerTests(Engine engine) : IAsyncLifetime
{
    private TestGateway _gateway = null!;
    private HttpClient _admin = null!;

    public async Task InitializeAsync()
    {
        _gateway = new TestGateway(engine: engine);
        _admin = await _gateway.SignInAsync("root", "admin");
        await _admin.CreateAccountAsync("acme");
        await _admin.CreateAccountAsync("acme-hook", publisher: new { type = "webhook", url = "http://127.0.0.1:9/hook" });
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private QueueReconciler Reconciler => ActivatorUtilities.CreateInstance<QueueReconciler>(_gateway.Services);

    /// <summary>A post caught mid-send by a crash, as start-up leaves it: held, unconfirmed.</summary>
    private async Task<string> InterruptedAsync(string account, bool reachedTheNetwork)
    {
        var id = (await _admin.SubmitAsync(account, "Our spring range is here.", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
        await _gateway.Service<PostScheduler>().UnscheduleAsync(id);
        var store = _gateway.Service<PostStore>();
        Assert.NotNull(await store.ChangeAsync(new PostChange(id, PostStatus.Publishing, AuditLog.System, "post.publishing", null)));
        if (reachedTheNetwork)
        {
            File.AppendAllText(_gateway.OutboxPath, $"{{\"id\":\"{id}\",\"account\":\"{account}\",\"body\":\"…\",\"publishedAt\":\"2026-12-02T08:00:00+00:00\"}}\n");
        }
        Assert.NotNull(await store.ChangeAsync(new PostChange(id, PostStatus.Held, AuditLog.System, "post.held", "crashed") { Unconfirmed = true }));
        return id;
    }

    [Fact]
    public async Task A_send_the_outbox_has_is_published_with_its_reference_and_one_it_lacks_is_held_as_unsent()
    {
        var arrived = await InterruptedAsync("acme", reachedTheNetwork: true);
        var lost = await InterruptedAsync("acme", reachedTheNetwork: false);

        await Reconciler.RunAsync(CancellationToken.None);

        var published = await _admin.GetPostAsync(arrived);
        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Equal($"outbox:{arrived}", published.GetProperty("publishRef").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-12-02T08:00:00+00:00"), published.GetProperty("publishedAt").GetDateTimeOffset());
        Assert.False(published.GetProperty("unconfirmed").GetBoolean());
        var unsent = await _admin.GetPostAsync(lost);
        Assert.Equal("held", unsent.GetProperty("status").GetString());
        Assert.False(unsent.GetProperty("unconfirmed").GetBoolean());
        Assert.Contains("never received", unsent.GetProperty("statusReason").GetString());
        Assert.Single(_gateway.OutboxIds()); // asking sent nothing
    }

    [Fact]
    public async Task A_publisher_that_cannot_look_leaves_the_post_unconfirmed_for_a_person()
    {
        var id = await InterruptedAsync("acme-hook", reachedTheNetwork: false);
        await Reconciler.RunAsync(CancellationToken.None);
        var post = await _admin.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.True(post.GetProperty("unconfirmed").GetBoolean());
    }

    [Fact]
    public async Task A_waiting_post_without_a_trigger_gets_one_and_an_existing_trigger_is_never_moved()
    {
        var scheduler = _gateway.Service<PostScheduler>();
        var quartz = await _gateway.Service<ISchedulerFactory>().GetScheduler();
        var stranded = (await _admin.SubmitAsync("acme", "Stranded", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
        var moved = (await _admin.SubmitAsync("acme", "Moved", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
        await scheduler.UnscheduleAsync(stranded);
        // As if the post got a new time after the reconciler read it: the trigger is where the new time is.
        var later = DateTimeOffset.UtcNow.AddHours(3);
        await scheduler.ScheduleAsync(moved, later);

        await Reconciler.RunAsync(CancellationToken.None);

        var restored = await quartz.GetTrigger(new TriggerKey(stranded, PostScheduler.PostsGroup));
        Assert.NotNull(restored);
        Assert.Equal((await _gateway.Service<PostStore>().GetAsync(stranded))!.ScheduledAt, restored.NextFireTimeUtc);
        Assert.Equal(later.ToUnixTimeSeconds(), (await quartz.GetTrigger(new TriggerKey(moved, PostScheduler.PostsGroup)))!.NextFireTimeUtc!.Value.ToUnixTimeSeconds());
    }
}

public sealed class QueueReconcilerOnSqlite() : QueueReconcilerTests(Engine.Sqlite);

public sealed class QueueReconcilerOnPostgres() : QueueReconcilerTests(Engine.Postgres);
