using System.Net.Http.Headers;
using System.Net.Http.Json;
using Gateway.Accounts;
using Gateway.Posts;
using Gateway.Scheduling;
using Gateway.Storage;
using Gateway.Users;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Benchmarks;

/// <summary>A real gateway on a loopback port with a fresh data directory, driven over HTTP.</summary>
public sealed class BenchGateway : IAsyncDisposable
{
    private BenchGateway(WebApplication app, HttpClient admin, User adminUser)
    {
        App = app;
        Admin = admin;
        AdminUser = adminUser;
    }

    public WebApplication App { get; }
    public HttpClient Admin { get; }
    public User AdminUser { get; }
    public string DataDir => App.Services.GetRequiredService<GatewayOptions>().DataDir;

    public static async Task<BenchGateway> StartAsync(params string[] extra)
    {
        var app = GatewayHost.Build(Arguments(extra));
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var (user, token) = await app.Services.GetRequiredService<UserStore>().CreateAsync("bench", Role.Admin, "bench");
        var admin = new HttpClient { BaseAddress = new Uri(url) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await app.Services.GetRequiredService<AccountStore>().SaveAsync("acme",
            new AccountRequest("acme", "outbox", "brand", "en", ["bench"], null), create: true, "bench");
        return new BenchGateway(app, admin, user);
    }

    private static string[] Arguments(string[] extra) =>
    [
        "--urls=http://127.0.0.1:0", $"--Gateway:DataDir={Path.Combine(Path.GetTempPath(), "crisis-gateway-bench", Guid.NewGuid().ToString("N"))}",
        $"--Gateway:RulesDir={Path.Combine(FindRoot(), "rules")}", "--Logging:LogLevel:Default=Warning",
        // A benchmark calls the API far more often than the per-token limit allows a person.
        "--Gateway:RateLimits:ApiPermits=1000000", .. extra,
    ];

    /// <summary>Another node of the same cluster, as its own process (Quartz allows one scheduler of a name per process).</summary>
    public static System.Diagnostics.Process StartProcess(string[] extra)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.dll"));
        foreach (var arg in Arguments(extra))
        {
            start.ArgumentList.Add(arg);
        }
        var process = System.Diagnostics.Process.Start(start)!;
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Submits through the service (the same path as the API, without HTTP overhead in the setup).</summary>
    public async Task<IReadOnlyList<string>> SubmitAsync(int count, Func<int, DateTimeOffset> at)
    {
        var service = App.Services.GetRequiredService<PostService>();
        var ids = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var post = await service.SubmitAsync(new SubmitPost("acme", $"Post number {i} of the benchmark.", at(i).ToString("O")), AdminUser, CancellationToken.None);
            ids.Add(post.Id);
        }
        return ids;
    }

    /// <summary>
    /// Stores posts as submitting them would (rows, audit, Quartz jobs and triggers), in one commit per store
    /// instead of two per post: 100,000 through the service take about 25 minutes, this about half a minute.
    /// </summary>
    public async Task<IReadOnlyList<string>> SeedAsync(int count, Func<int, DateTimeOffset> at)
    {
        var now = DateTimeOffset.UtcNow;
        var posts = Enumerable.Range(0, count)
            .Select(i => new Post(Guid.CreateVersion7().ToString("N"), "acme", AdminUser.Name, $"Post number {i} of the benchmark.",
                PostStatus.Scheduled, null, at(i), [], now, now, null, null, 1, 0, false))
            .ToList();
        var store = App.Services.GetRequiredService<PostStore>();
        await App.Services.GetRequiredService<Database>().InTransactionAsync(async (c, t) =>
        {
            foreach (var post in posts)
            {
                await store.InsertAsync(c, t, post);
            }
            return true;
        });
        await App.Services.GetRequiredService<PostScheduler>().ScheduleManyAsync(posts.Select(p => (p.Id, p.ScheduledAt)).ToList());
        return posts.Select(p => p.Id).ToList();
    }

    public async Task<HttpResponseMessage> FreezeAsync() =>
        (await Admin.PostAsJsonAsync("/api/freeze", new { reason = "benchmark" })).EnsureSuccessStatusCode();

    public async Task UnfreezeAsync() =>
        (await Admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/freeze") { Content = JsonContent.Create(new { reason = "benchmark" }) }))
        .EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisGateway.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Run the benchmarks from inside the repository.");
    }
}
