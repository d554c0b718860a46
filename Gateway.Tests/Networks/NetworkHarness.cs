using System.Text;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Networks;

/// <summary>The steps the per-network publisher tests share: a gateway pointed at a fake, a post through it, and the secrecy sweep.</summary>
public static class NetworkHarness
{
    public static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(Dictionary<string, string?> settings, string account, object publisher)
    {
        var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync(account, publisher: publisher);
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
