using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Users;
using Xunit.Abstractions;

namespace Gateway.Tests.Cluster;

/// <summary>
/// Real gateway processes on one PostgreSQL database, clustered through Quartz, publishing to one webhook receiver
/// that plays the network. A node is killed with SIGKILL, as a crash or an OOM kill would.
/// </summary>
public sealed class ClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly List<GatewayProcess> _nodes = [];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", "cluster-" + Guid.NewGuid().ToString("N"));
    private Receiver _network = null!;
    private string _connectionString = null!;
    private string _token = null!;
    private string SchedulerName => "cluster-" + Path.GetFileName(_root)[8..20];

    public async Task InitializeAsync()
    {
        _network = await Receiver.StartAsync();
        _connectionString = await PostgresServer.CreateDatabaseAsync();
        // The first admin and the account, as an admin would set them up; the seeder is no node of the cluster.
        using var seeder = new TestGateway(Path.Combine(_root, "seeder"), Settings(), engine: Engine.Postgres);
        (_, _token) = await seeder.Service<UserStore>().CreateAsync("root", "admin", "test");
        await seeder.ClientWithToken(_token).CreateAccountAsync("acme", network: "outbox", publisher: new { type = "webhook", url = _network.Url });
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Stop();
        }
        await _network.DisposeAsync();
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Gateway:Database:ConnectionString"] = _connectionString,
        ["Gateway:SchedulerName"] = SchedulerName,
        ["Gateway:Cluster:CheckinInterval"] = "00:00:01",
        ["Gateway:Cluster:CheckinMisfireThreshold"] = "00:00:03",
        ["Gateway:Publishing:AllowPrivateAddresses"] = "true",
        ["Gateway:Publishing:MaxAttempts"] = "1",
    };

    private async Task<GatewayProcess> StartNodeAsync(string name)
    {
        var settings = Settings();
        settings["Gateway:Database:Provider"] = "postgres";
        var dataDir = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        var node = new GatewayProcess(dataDir, SchedulerName, settings!);
        lock (_nodes)
        {
            _nodes.Add(node);
        }
        await node.StartAsync();
        return node;
    }

    [Fact]
    public async Task A_freeze_sent_to_one_node_stops_a_send_another_node_has_in_flight_and_nothing_leaves_after_it()
    {
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _network.Answer = async n =>
        {
            inFlight.TrySetResult();
            await Task.Delay(TimeSpan.FromSeconds(60)); // a network that hangs: only a cancellation ends this send
            return 200;
        };
        var b = await StartNodeAsync("b");
        using var viaB = b.Client(_token);
        var slow = (await viaB.SubmitAsync("acme", "Our spring sale starts today!", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(60)); // B is sending it
        var a = await StartNodeAsync("a");
        using var viaA = a.Client(_token);
        var later = (await viaA.SubmitAsync("acme", "Join our webinar", DateTimeOffset.UtcNow.AddSeconds(4))).GetProperty("id").GetString()!;

        var clock = Stopwatch.StartNew();
        Assert.Equal(HttpStatusCode.OK, (await viaA.FreezeAsync("Shooting downtown")).StatusCode);
        output.WriteLine($"freeze answered in {clock.ElapsedMilliseconds} ms with B's send in flight");
        var callsAtAnswer = _network.Calls.Count;

        // B's send was stopped before A answered: held, and unconfirmed (the network may have it; nobody sends it again).
        var stopped = await viaA.GetPostAsync(slow);
        Assert.Equal("held", stopped.GetProperty("status").GetString());
        Assert.True(stopped.GetProperty("unconfirmed").GetBoolean());
        Assert.Contains("freeze", stopped.GetProperty("statusReason").GetString());

        // What comes due during the freeze is held at its time, on whichever node fires it; nothing reaches the network.
        Assert.Equal("held", await viaB.WaitForStatusAsync(later, "held", "published"));
        await Task.Delay(1000);
        Assert.Equal(callsAtAnswer, _network.Calls.Count);
        var health = await (await viaA.GetAsync("/health")).ReadJsonAsync();
        Assert.Equal(2, health.GetProperty("cluster").GetProperty("nodes").EnumerateArray().Count(n => n.GetProperty("live").GetBoolean()));
        Assert.True(health.GetProperty("scheduler").GetProperty("clustered").GetBoolean());
    }

    [Fact]
    public async Task All_nodes_restarted_while_frozen_are_still_frozen()
    {
        var a = await StartNodeAsync("a");
        var b = await StartNodeAsync("b");
        using (var viaA = a.Client(_token))
        {
            Assert.Equal(HttpStatusCode.OK, (await viaA.FreezeAsync("Hurricane")).StatusCode);
        }
        a.Kill();
        b.Kill();
        await a.StartAsync();
        await b.StartAsync();

        using var viaB = b.Client(_token);
        Assert.True((await (await viaB.GetAsync("/api/freeze")).ReadJsonAsync()).GetProperty("frozen").GetBoolean());
        var due = (await viaB.SubmitAsync("acme", "Storm-proof your home: 20% off", DateTimeOffset.UtcNow.AddSeconds(2))).GetProperty("id").GetString()!;
        Assert.Equal("held", await viaB.WaitForStatusAsync(due, "held", "published"));
        Assert.Empty(_network.Calls);
    }

    [Fact]
    public async Task Kill_9_of_a_node_during_a_burst_leaves_every_post_published_once_or_held_with_a_reason()
    {
        const int posts = 1000;
        var started = Stopwatch.StartNew();
        var burst = DateTimeOffset.UtcNow.AddSeconds(45); // seeding and three starts take about 25 s here
        string[] ids;
        using (var seeder = new TestGateway(Path.Combine(_root, "seeder"), Settings(), engine: Engine.Postgres))
        {
            ids = await Burst.SeedAsync(seeder, "acme", posts, burst);
        }
        output.WriteLine($"seeded {posts} posts in {started.Elapsed.TotalSeconds:0.0} s");
        var nodes = await Task.WhenAll(StartNodeAsync("a"), StartNodeAsync("b"), StartNodeAsync("c"));
        output.WriteLine($"3 nodes up after {started.Elapsed.TotalSeconds:0.0} s; burst in {(burst - DateTimeOffset.UtcNow).TotalSeconds:0.0} s");

        await Eventually.WaitForAsync(() => Task.FromResult(_network.Calls.Count), n => n >= posts / 4, "a quarter of the burst sent", seconds: 120);
        nodes[2].Kill();
        output.WriteLine($"killed node c after {_network.Calls.Count} sends");

        using var http = nodes[0].Client(_token);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        IReadOnlyList<JsonElement> all;
        while (true)
        {
            all = await Burst.AllPostsAsync(http);
            if (all.Count(p => p.GetProperty("status").GetString() is "scheduled" or "publishing") == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(500);
        }

        var sent = _network.Calls.Select(c => JsonDocument.Parse(c.Body).RootElement.GetProperty("id").GetString()!)
            .GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var byId = all.ToDictionary(p => p.GetProperty("id").GetString()!);
        Assert.Equal(ids.Order(), byId.Keys.Order());
        string Status(string id) => byId[id].GetProperty("status").GetString()!;
        string Reason(string id) => byId[id].TryGetProperty("statusReason", out var r) ? r.GetString() ?? "" : "";
        var published = ids.Count(id => Status(id) == "published");
        var held = ids.Where(id => Status(id) == "held").ToArray();
        output.WriteLine($"published {published}, held {held.Length} (unconfirmed {held.Count(id => byId[id].GetProperty("unconfirmed").GetBoolean())}), " +
            $"sent {sent.Count}, sent twice {sent.Count(s => s.Value > 1)}");

        Assert.Equal(0, sent.Count(s => s.Value > 1));                                    // nothing twice
        Assert.Equal(posts, published + held.Length);                                     // nothing stuck
        Assert.All(ids.Where(id => Status(id) == "published"), id => Assert.True(sent.ContainsKey(id), $"{id} published but never sent"));
        Assert.All(held, id => Assert.False(string.IsNullOrWhiteSpace(Reason(id))));       // held with a reason
        // A held post that reached the network is one the killed node had in flight: held unconfirmed, never sent again.
        Assert.All(held.Where(sent.ContainsKey), id => Assert.True(byId[id].GetProperty("unconfirmed").GetBoolean(), $"{id} sent yet held as if not"));
        Assert.True(published > posts / 2, $"only {published} of {posts} published: the survivors did not take the work over");
    }
}
