using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using Gateway.Users;

namespace Gateway.Tests.Networks;

/// <summary>The steps the per-network publisher tests share: a gateway pointed at a fake, a post through it, and the secrecy sweep.</summary>
public static class NetworkHarness
{
    public static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(Dictionary<string, string?> settings, string network, string account, object publisher)
    {
        var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync(account, network, publisher: publisher);
        return (gateway, admin);
    }

    /// <summary>Submits <paramref name="body"/> due in a second and waits for where it ends up.</summary>
    public static async Task<JsonElement> PublishAsync(HttpClient admin, string account, string body)
    {
        var id = (await admin.SubmitAsync(account, body, DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await admin.WaitForStatusAsync(id, "published", "failed", "held");
        return await admin.GetPostAsync(id);
    }

    public static string Status(this JsonElement post) => post.GetProperty("status").GetString()!;

    public static string Reason(this JsonElement post) => post.TryGetProperty("statusReason", out var r) ? r.GetString() ?? "" : "";

    public static bool Unconfirmed(this JsonElement post) => post.TryGetProperty("unconfirmed", out var u) && u.GetBoolean();

    public static string? Text(this JsonElement post, string name) => post.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static async Task<int> RetriesAsync(HttpClient admin, string postId) =>
        (await (await admin.GetAsync($"/api/audit?subject={postId}&action=post.publish-retry")).ReadJsonAsync()).GetProperty("items").GetArrayLength();

    public static async Task<JsonElement> AccountAsync(HttpClient admin, string account) => await (await admin.GetAsync($"/api/accounts/{account}")).ReadJsonAsync();

    /// <summary>
    /// The real gateway as a process, killed with SIGKILL while <paramref name="fake"/> hangs on a post it has already
    /// created, then started again on the same data. Returns the post as the restarted gateway has it, a few seconds
    /// after it settled (time enough for anything it would send again to arrive).
    /// </summary>
    public static Task<JsonElement> KillMidSendAsync(FakeNetwork fake, Dictionary<string, string?> settings, string network, string account, object publisher) =>
        KillMidSendAsync(() => fake.Troubles.Enqueue(Trouble.HangAfterCreate), fake.Hanging.Task, settings, network, account, publisher);

    /// <param name="hangNext">Makes the fake hang on the next post after creating it.</param>
    /// <param name="hanging">Completes when it does.</param>
    public static async Task<JsonElement> KillMidSendAsync(Action hangNext, Task hanging, Dictionary<string, string?> settings, string network, string account, object publisher)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", "kill-" + Guid.NewGuid().ToString("N"));
        var schedulerName = "kill-" + Path.GetFileName(dataDir);
        var processSettings = settings.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!);
        processSettings["Gateway:Publishing:AllowPrivateAddresses"] = "true";
        string token;
        using (var seeder = new TestGateway(dataDir, new() { ["Gateway:SchedulerName"] = schedulerName }))
        {
            (_, token) = await seeder.Service<UserStore>().CreateAsync("root", "admin", "test");
            await seeder.ClientWithToken(token).CreateAccountAsync(account, network, publisher: publisher);
        }
        var gateway = new GatewayProcess(dataDir, schedulerName, processSettings);
        await gateway.StartAsync();
        using var http = gateway.Client(token);
        hangNext();
        var id = (await http.SubmitAsync(account, "Sent as the lights went out.", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await hanging.WaitAsync(TimeSpan.FromSeconds(60));

        gateway.Kill();
        await gateway.StartAsync();
        await http.WaitForStatusAsync(id, "held", "published", "failed");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var post = await http.GetPostAsync(id);
        gateway.Kill();
        Directory.Delete(dataDir, recursive: true);
        return post;
    }

    /// <summary>A PKCE verifier and its S256 challenge.</summary>
    public static (string Verifier, string Challenge) Pkce()
    {
        var verifier = FakeOAuth.Base64Url(RandomNumberGenerator.GetBytes(32));
        return (verifier, FakeOAuth.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    /// <summary>Opens the consent page as a browser would and returns where it sent the person back, with the code and state.</summary>
    public static async Task<(Uri Back, string Code, string State)> ConsentAsync(Uri consentPage)
    {
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false });
        var consent = await browser.GetAsync(consentPage);
        Assert.Equal(HttpStatusCode.Redirect, consent.StatusCode);
        var back = consent.Headers.Location!;
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(back.Query);
        // No state when the client sent none (megalodon does not).
        return (back, query["code"]!, query.TryGetValue("state", out var state) ? state.ToString() : "");
    }

    /// <summary>
    /// No token the fake issued appears in what the API answers (accounts, posts, the audit) or in any file of the data
    /// directory (database, its journal, the key ring, logs).
    /// </summary>
    public static async Task AssertNoSecretsAsync(string dataDir, HttpClient admin, IEnumerable<string> secrets)
    {
        var tokens = secrets.ToArray();
        Assert.NotEmpty(tokens);
        var answers = new StringBuilder();
        foreach (var url in (string[])["/api/accounts", "/api/audit?limit=1000", "/api/posts?limit=1000", "/api/incidents"])
        {
            answers.AppendLine(await admin.GetStringAsync(url));
        }
        foreach (var token in tokens)
        {
            Assert.DoesNotContain(token, answers.ToString());
        }
        foreach (var file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories))
        {
            byte[] bytes;
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                bytes = new byte[stream.Length];
                stream.ReadExactly(bytes);
            }
            foreach (var token in tokens)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(token)) < 0, $"{file} holds a token in the clear");
            }
        }
    }
}
