using System.Net;
using Gateway.Accounts;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Gateway.Tests.Networks.NetworkHarness;

namespace Gateway.Tests.Networks;

/// <summary>
/// The secrets a network hands out while an account is connected, used and renewed, looked for in every log line
/// (at Trace, HTTP client logging included), every page and every API answer.
/// </summary>
public sealed class NetworkSecretsTests
{
    private static Dictionary<string, string?> Traced(Dictionary<string, string?> settings)
    {
        settings["Logging:LogLevel:Default"] = "Trace";
        return settings;
    }

    private static async Task<string[]> PagesAsync(TestGateway gateway, string account, params string[] posts)
    {
        using var page = await WebSession.SignInAsync(gateway, "page-admin", "admin");
        return await Task.WhenAll(new[] { "/admin/accounts", $"/admin/accounts?edit={account}", "/admin/audit" }
            .Concat(posts.Select(p => $"/posts/{p}")).Select(page.GetHtmlAsync));
    }

    private static void AssertAbsent(IEnumerable<string> secrets, IEnumerable<string> logs, IEnumerable<string> pages)
    {
        var lines = logs.ToArray();
        var html = pages.ToArray();
        Assert.NotEmpty(lines);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(lines, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(html, h => h.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task X_tokens_and_the_client_secret_are_in_no_log_line_page_or_answer_through_connecting_publishing_and_renewing()
    {
        const string clientSecret = "x-client-secret-never-logged";
        await using var x = await FakeX.StartAsync(clientSecret: clientSecret);
        var logs = new LogCollector();
        using var gateway = new TestGateway(settings: Traced(x.Settings(clientSecret)), services: s => s.AddSingleton<ILoggerProvider>(logs));
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-x", publisher: new { type = "x" });

        // Connected from the dashboard, as an admin does it.
        using (var page = await WebSession.SignInAsync(gateway, "connector", "admin"))
        {
            var start = await page.GetAsync("/admin/connect/acme-x");
            Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
            var (back, _, _) = await ConsentAsync(start.Headers.Location!);
            Assert.Equal(HttpStatusCode.Redirect, (await page.GetAsync(back.PathAndQuery)).StatusCode);
        }
        Assert.Equal("@" + FakeX.Username, (await AccountAsync(admin, "acme-x")).GetProperty("publisher").GetProperty("identity").GetString());

        var first = await PublishAsync(admin, "acme-x", "Connected and posting.");
        Assert.Equal("published", first.Status());
        // Revoked unannounced: the 401 renews it from the refresh token, which X rotates.
        x.OAuth.Revoke((await gateway.Service<ConnectionStore>().GetAsync("acme-x"))!.AccessToken!);
        var second = await PublishAsync(admin, "acme-x", "Renewed and posting.");
        Assert.Equal("published", second.Status());
        Assert.Equal(1, x.OAuth.Refreshes);

        string[] secrets = [.. x.OAuth.Issued, clientSecret];
        Assert.True(secrets.Length >= 5, "two access tokens, two refresh tokens and the client secret");
        var pages = await PagesAsync(gateway, "acme-x", first.Text("id")!, second.Text("id")!);
        // The account page says whom the connection speaks for and when its access runs out.
        Assert.Contains($"as <strong>@{FakeX.Username}</strong>", pages[1]);
        Assert.Contains(" · expires <time", pages[1]);
        AssertAbsent(secrets, logs.Lines, pages);
        await AssertNoSecretsAsync(gateway.DataDir, admin, secrets);
    }

    [Fact]
    public async Task Bluesky_app_password_and_session_tokens_are_in_no_log_line_or_page_through_creating_and_refreshing_sessions()
    {
        await using var fake = await FakeBluesky.StartAsync();
        var logs = new LogCollector();
        using var gateway = new TestGateway(settings: Traced([]), services: s => s.AddSingleton<ILoggerProvider>(logs));
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "bluesky",
            publisher: new { type = "bluesky", service = fake.Url, handle = fake.Handle, appPassword = fake.AppPassword });

        var first = await PublishAsync(admin, "acme", "First.");
        fake.ExpireAccessTokens();
        var second = await PublishAsync(admin, "acme", "Second.");
        fake.ExpireAllTokens();
        var third = await PublishAsync(admin, "acme", "Third.");
        Assert.All(new[] { first, second, third }, p => Assert.Equal("published", p.Status()));
        Assert.Equal(200, (int)(await admin.PostAsync("/api/accounts/acme/test", null)).StatusCode);

        string[] secrets = [fake.AppPassword, .. fake.IssuedTokens];
        Assert.Equal(1 + 2 * 3, secrets.Length); // created, refreshed, created again
        AssertAbsent(secrets, logs.Lines, await PagesAsync(gateway, "acme", first.Text("id")!, third.Text("id")!));
        await AssertNoSecretsAsync(gateway.DataDir, admin, secrets);
    }
}
