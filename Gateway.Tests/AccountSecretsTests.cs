using System.Net;
using System.Text;
using Gateway.Accounts;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests;

/// <summary>An account's secret goes in once and never comes out: not in answers, pages, the audit, logs or data files.</summary>
public sealed class AccountSecretsTests
{
    private const string Token = "mstdn-SECRET-4f9c2e7a1b";
    private const string AppPassword = "abcd-SECRET-efgh-ijkl";

    [Fact]
    public async Task A_pasted_token_is_stored_encrypted_and_appears_in_no_answer_page_audit_log_or_file()
    {
        var logs = new LogCollector();
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        using (var gateway = new TestGateway(dataDir, new() { ["Logging:LogLevel:Default"] = "Trace" }, services => services.AddSingleton<ILoggerProvider>(logs)))
        {
            var admin = await gateway.SignInAsync("root", "admin");
            var created = await admin.PostJsonAsync("/api/accounts", new
            {
                id = "acme", kind = "brand", language = "en",
                publisher = new { type = "mastodon", instance = "https://mastodon.example/@acme", accessToken = Token },
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var bluesky = await admin.PostJsonAsync("/api/accounts", new
            {
                id = "acme-bsky", kind = "brand", language = "en",
                publisher = new { type = "bluesky", handle = "@Acme.bsky.social", appPassword = AppPassword },
            });
            Assert.Equal(HttpStatusCode.Created, bluesky.StatusCode);

            var answers = new List<string> { await created.Content.ReadAsStringAsync(), await bluesky.Content.ReadAsStringAsync() };
            foreach (var url in new[] { "/api/accounts", "/api/accounts/acme", "/api/accounts/acme-bsky", "/api/audit?limit=500" })
            {
                answers.Add(await admin.GetStringAsync(url));
            }
            using (var page = await WebSession.SignInAsync(gateway, "page-admin", "admin"))
            {
                answers.Add(await page.Client.GetStringAsync("/admin/accounts"));
                answers.Add(await page.Client.GetStringAsync("/admin/accounts?edit=acme"));
            }
            Assert.All(answers, a => Assert.DoesNotContain("SECRET", a));

            var account = await (await admin.GetAsync("/api/accounts/acme")).ReadJsonAsync();
            var publisher = account.GetProperty("publisher");
            Assert.Equal("mastodon", account.GetProperty("network").GetString());
            Assert.Equal("https://mastodon.example", publisher.GetProperty("instance").GetString()); // the instance, not the profile page
            Assert.True(publisher.GetProperty("connected").GetBoolean());
            Assert.False(publisher.GetProperty("needsReconnect").GetBoolean());
            Assert.Equal("acme.bsky.social", (await (await admin.GetAsync("/api/accounts/acme-bsky")).ReadJsonAsync()).GetProperty("publisher").GetProperty("handle").GetString());

            Assert.Equal(Token, (await gateway.Service<ConnectionStore>().GetAsync("acme"))!.AccessToken);
            Assert.Equal(AppPassword, (await gateway.Service<ConnectionStore>().GetAsync("acme-bsky"))!.AppPassword);
        }
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains("SECRET", StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories))
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.False(Contains(bytes, Encoding.UTF8.GetBytes("SECRET")), $"{file} holds a secret in plain text");
            Assert.False(Contains(bytes, Encoding.Unicode.GetBytes("SECRET")), $"{file} holds a secret in plain text (UTF-16)");
        }

        // The key ring is in the data directory: a restart reads the secret again.
        using var restarted = new TestGateway(dataDir);
        Assert.Equal(Token, (await restarted.Service<ConnectionStore>().GetAsync("acme"))!.AccessToken);
    }

    [Fact]
    public async Task A_secret_stays_while_the_connection_stays_and_is_forgotten_when_it_changes()
    {
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "", publisher: new { type = "mastodon", instance = "https://one.example", accessToken = Token });
        var connections = gateway.Service<ConnectionStore>();

        // Editors change, the instance does not: the token stays.
        var same = await admin.PutAsync("/api/accounts/acme", Support.Api.JsonContent(new { kind = "personal", language = "de", publisher = new { type = "mastodon", instance = "https://one.example" } }));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
        Assert.Equal(Token, (await connections.GetAsync("acme"))!.AccessToken);

        // Another instance: a token for the first must not follow the account there.
        var moved = await admin.PutAsync("/api/accounts/acme", Support.Api.JsonContent(new { kind = "brand", language = "en", publisher = new { type = "mastodon", instance = "https://two.example" } }));
        Assert.False((await moved.ReadJsonAsync()).GetProperty("publisher").GetProperty("connected").GetBoolean());
        Assert.Null(await connections.GetAsync("acme"));
    }

    [Theory]
    [InlineData("""{"type":"bluesky","handle":"acme.bsky.social","accessToken":"t"}""", "appPassword")]
    [InlineData("""{"type":"x","appPassword":"p"}""", "accessToken")]
    [InlineData("""{"type":"mastodon"}""", "instance")]
    [InlineData("""{"type":"mastodon","instance":"ftp://m.example"}""", "instance")]
    [InlineData("""{"type":"bluesky","handle":"not a handle"}""", "handle")]
    [InlineData("""{"type":"linkedin","author":"acme"}""", "urn:li:organization")]
    [InlineData("""{"type":"linkedin","author":"urn:li:organization:1","accessToken":"  "}""", "accessToken")]
    [InlineData("""{"type":"myspace"}""", "mastodon, bluesky, linkedin, x")]
    public async Task A_publisher_that_cannot_work_is_refused_with_what_to_fix(string publisher, string says)
    {
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        var body = $$"""{"id":"acme","kind":"brand","language":"en","publisher":{{publisher}}}""";
        var response = await admin.PostAsync("/api/accounts", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(says, (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.Equal("[]", await admin.GetStringAsync("/api/accounts"));
    }

    [Fact]
    public async Task A_network_publisher_is_its_own_network()
    {
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        var response = await admin.PostJsonAsync("/api/accounts", new { id = "acme", network = "x", kind = "brand", language = "en", publisher = new { type = "mastodon", instance = "https://m.example" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("posts to mastodon", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
