using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Users;
using Xunit.Abstractions;

namespace Gateway.Tests;

/// <summary>
/// The real gateway as its own process, killed with SIGKILL at random moments while a burst of 1,000 posts is due,
/// and started again each time on the same data. Afterwards no post is lost (each is published or held with a
/// reason, none left waiting without a trigger), none reached the outbox twice, and every post the outbox has is
/// published (the interrupted sends were settled by asking it).
/// </summary>
public sealed class CrashRecoveryTests(ITestOutputHelper output)
{
    private const int Posts = 1000;
    private const int Kills = 3;

    // Each round is a fresh data directory killed Kills times; two keep the suite within its time on 2 cores.
    private const int Rounds = 2;

    [Fact]
    public async Task Kill_9_during_a_burst_loses_nothing_duplicates_nothing_and_settles_every_post()
    {
        var seed = Environment.GetEnvironmentVariable("CRASH_SEED") is { } s ? int.Parse(s) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (CRASH_SEED={seed} repeats this run)");
        var random = new Random(seed);
        var totals = new List<Tally>();
        for (var round = 1; round <= Rounds; round++)
        {
            var tally = await RoundAsync(random);
            output.WriteLine($"round {round}: {tally}");
            totals.Add(tally);
        }
        Assert.All(totals, t =>
        {
            Assert.Equal(0, t.Duplicated);
            Assert.Equal(0, t.Lost);
            Assert.Equal(0, t.Unsettled);
            Assert.Equal(0, t.HeldWithoutReason);
            Assert.Equal(Posts, t.Published + t.Held);
        });
        Assert.True(totals.Sum(t => t.Published) > 0, "the burst published nothing: the test would prove nothing");
    }

    private sealed record Tally(int Published, int Held, int Resolved, int Lost, int Duplicated, int Unsettled, int HeldWithoutReason)
    {
        public override string ToString() =>
            $"published {Published}, held {Held}, resolved by asking the outbox {Resolved}, lost {Lost}, duplicated {Duplicated}, " +
            $"left waiting {Unsettled}, held without a reason {HeldWithoutReason}";
    }

    private async Task<Tally> RoundAsync(Random random)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", "crash-" + Guid.NewGuid().ToString("N"));
        var schedulerName = "crash-" + Path.GetFileName(dataDir);
        // Stored as submitting them would (rows, audit, Quartz jobs), in one commit: submitting 1,000 over HTTP takes
        // longer than a burst should wait on a busy 2-core machine. Due within five seconds of each other.
        var started = Stopwatch.StartNew();
        var burst = DateTimeOffset.UtcNow.AddSeconds(15);
        string token;
        string[] ids;
        using (var seeder = new TestGateway(dataDir, new() { ["Gateway:SchedulerName"] = schedulerName }))
        {
            (_, token) = await seeder.Service<UserStore>().CreateAsync("root", "admin", "test");
            await seeder.ClientWithToken(token).CreateAccountAsync("acme");
            ids = await Burst.SeedAsync(seeder, "acme", Posts, burst);
        }
        var seededIn = started.Elapsed;
        var gateway = new GatewayProcess(dataDir, schedulerName);
        await gateway.StartAsync();
        using var http = gateway.Client(token);
        // On a slow machine the gateway may start after the burst began: it then fires the due posts as it starts,
        // which is a burst all the same (within LateGrace).
        var untilBurst = burst - DateTimeOffset.UtcNow;
        output.WriteLine($"seeded in {seededIn.TotalSeconds:0.0} s, started in {(started.Elapsed - seededIn).TotalSeconds:0.0} s, burst in {untilBurst.TotalSeconds:0.0} s");
        untilBurst = untilBurst > TimeSpan.Zero ? untilBurst : TimeSpan.Zero;

        // The first kill lands inside the burst, the next ones soon after each restart (in the catch-up burst).
        await Task.Delay(untilBurst + TimeSpan.FromMilliseconds(random.Next(0, 5000)));
        for (var kill = 1; kill <= Kills; kill++)
        {
            gateway.Kill();
            await gateway.StartAsync();
            if (kill < Kills)
            {
                await Task.Delay(random.Next(0, 2500));
            }
        }

        // Settled: nothing waiting, publishing or unconfirmed. The limit is a safety net, not a speed claim.
        var deadline = DateTime.UtcNow.AddSeconds(75);
        IReadOnlyList<JsonElement> posts;
        while (true)
        {
            posts = await Burst.AllPostsAsync(http);
            var open = posts.Count(p => p.GetProperty("status").GetString() is "scheduled" or "publishing" or "pending_review"
                || Unconfirmed(p));
            if (open == 0 || DateTime.UtcNow > deadline)
            {
                break;
            }
            await Task.Delay(250);
        }
        gateway.Kill();

        var sent = gateway.OutboxIds().GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        var byId = posts.ToDictionary(p => p.GetProperty("id").GetString()!);
        Assert.Equal(ids.Order(), byId.Keys.Order());
        string Status(string id) => byId[id].GetProperty("status").GetString()!;
        var tally = new Tally(
            Published: ids.Count(id => Status(id) == "published"),
            Held: ids.Count(id => Status(id) == "held"),
            Resolved: ids.Count(id => Reason(byId[id]).StartsWith("Confirmed by", StringComparison.Ordinal)),
            // Lost: out on the network but not recorded as published, or recorded as published but never sent.
            Lost: ids.Count(id => sent.ContainsKey(id) != (Status(id) == "published")),
            Duplicated: sent.Count(s => s.Value > 1),
            Unsettled: ids.Count(id => Status(id) is not ("published" or "held") || Unconfirmed(byId[id])),
            HeldWithoutReason: ids.Count(id => Status(id) == "held" && string.IsNullOrWhiteSpace(Reason(byId[id]))));
        Directory.Delete(dataDir, recursive: true);
        return tally;
    }

    private static string Reason(JsonElement post) => post.TryGetProperty("statusReason", out var r) ? r.GetString() ?? "" : "";

    private static bool Unconfirmed(JsonElement post) => post.TryGetProperty("unconfirmed", out var u) && u.GetBoolean();
}
