using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Users;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Tests.Support;

/// <summary>
/// A whole gateway in-process: real SQLite files in a temp folder, the real Quartz persistent store, the real
/// rule packs. Reopening the same <see cref="DataDir"/> is a restart.
/// </summary>
public sealed class TestGateway : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private readonly bool _watchRules;

    /// <param name="watchRules">Keep the gateway's own watcher on <c>Gateway:RulesDir</c> instead of the shared, unwatched packs.</param>
    /// <param name="engine">On <see cref="Engine.Postgres"/> the gateway gets a database of its own on the test server, kept with the data directory for a restart.</param>
    public TestGateway(string? dataDir = null, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, bool watchRules = false,
        Engine engine = Engine.Sqlite)
    {
        _watchRules = watchRules;
        DataDir = dataDir ?? Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        _services = services;
        _settings = new Dictionary<string, string?>
        {
            ["Gateway:DataDir"] = DataDir,
            ["Gateway:RulesDir"] = Paths.Rules,
            // Unique per data directory: Quartz keeps schedulers in a process-wide registry by name.
            ["Gateway:SchedulerName"] = "test-" + Path.GetFileName(DataDir),
            ["Gateway:LateGrace"] = "00:00:05",
            ["Gateway:Publishing:RetryDelay"] = "00:00:00.050",
            ["Gateway:Publishing:AllowPrivateAddresses"] = "true",
            // The fakes finish or drop a request at once; the tests of the window set their own.
            ["Gateway:Publishing:SettleWindow"] = "00:00:00",
            // Offline by default (this machine has no internet); the link tests switch it on against loopback.
            ["Gateway:Links:Enabled"] = "false",
            // A test is many callers behind one address and one token; the rate-limit tests set their own limits.
            ["Gateway:RateLimits:ApiPermits"] = "1000000",
            ["Gateway:RateLimits:SignInPermits"] = "1000000",
        };
        if (engine == Engine.Postgres)
        {
            _settings["Gateway:Database:Provider"] = "postgres";
            _settings["Gateway:Database:ConnectionString"] = PostgresDatabase(DataDir);
        }
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    /// <summary>The data directory's database on the test server, created on first use.</summary>
    public static string PostgresDatabase(string dataDir)
    {
        var remembered = Path.Combine(dataDir, "postgres.connection");
        if (File.Exists(remembered))
        {
            return File.ReadAllText(remembered);
        }
        var connectionString = PostgresServer.CreateDatabaseAsync().GetAwaiter().GetResult();
        Directory.CreateDirectory(dataDir);
        File.WriteAllText(remembered, connectionString);
        return connectionString;
    }

    public string DataDir { get; }

    private static readonly Lazy<Gateway.Rules.Packs.StaticRulePackSource> SharedPacks =
        new(() => Gateway.Rules.Packs.StaticRulePackSource.Load(Paths.Rules));

    public string OutboxPath => Path.Combine(DataDir, "outbox.jsonl");

    public T Service<T>() where T : notnull => Services.GetRequiredService<T>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.UseEnvironment("Testing");
        builder.ConfigureTestServices(services =>
        {
            if (!_watchRules)
            {
                // The shipped packs, loaded once per test run instead of once per gateway (and watched by none).
                services.AddSingleton<Gateway.Rules.Packs.IRulePackSource>(SharedPacks.Value);
            }
            _services?.Invoke(services);
        });
    }

    /// <summary>Creates a user directly (the first admin's token only goes to the console) and returns a client signed in as them.</summary>
    public async Task<HttpClient> SignInAsync(string name, string role)
    {
        var (_, token) = await Service<UserStore>().CreateAsync(name, role, "test");
        return ClientWithToken(token);
    }

    public HttpClient ClientWithToken(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}

public static class Paths
{
    public static string Root { get; } = FindRoot();
    public static string Rules => Path.Combine(Root, "rules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisGateway.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("CrisisGateway.sln not found above " + AppContext.BaseDirectory);
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = Gateway.JsonDefaults.Options;

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement;
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, Options);
}

/// <summary>Waiting for something the scheduler does on its own time; the limit is a safety net, not a speed claim.</summary>
public static class Eventually
{
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}; last value: {value}");
            }
            await Task.Delay(100);
        }
    }
}
