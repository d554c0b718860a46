using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Gateway.Tests.Fakes;
using Gateway.Tests.Support;

namespace Gateway.Tests.Proxy;

/// <summary>
/// A gateway whose account 'acme' publishes to a fake Mastodon instance, an editor 'ed' of it, and a Mastodon client
/// (a plain HttpClient) holding ed's proxy token for acme: what a team's app sees when pointed at the gateway.
/// </summary>
public sealed class ProxyHarness : IAsyncDisposable
{
    public const string UpstreamToken = "pasted-token-1";

    private ProxyHarness(FakeMastodon fake, TestGateway gateway) => (Fake, Gateway) = (fake, gateway);

    public FakeMastodon Fake { get; }
    public TestGateway Gateway { get; }
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Editor { get; private set; } = null!;
    public string EditorToken { get; private set; } = "";
    public string ProxyToken { get; private set; } = "";
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Where a client outside the test process reaches the gateway (with <c>loopback</c>), else null.</summary>
    public string? BaseUrl { get; private set; }

    /// <param name="loopback">Serve on a loopback port too, for clients run by node (MastodonClientTests).</param>
    public static async Task<ProxyHarness> StartAsync(Dictionary<string, string?>? settings = null, bool loopback = false, Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null, Engine engine = Engine.Sqlite)
    {
        var fake = await FakeMastodon.StartAsync(UpstreamToken);
        var harness = new ProxyHarness(fake, new TestGateway(settings: settings, services: services, engine: engine));
        if (loopback)
        {
            var port = GatewayProcess.FreePort();
            harness.Gateway.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
            harness.Gateway.StartServer();
            harness.BaseUrl = $"http://127.0.0.1:{port}";
        }
        harness.Admin = await harness.Gateway.SignInAsync("root", "admin");
        harness.EditorToken = (await harness.Gateway.Service<Gateway.Users.UserStore>().CreateAsync("ed", "editor", "test")).Token;
        harness.Editor = harness.Gateway.ClientWithToken(harness.EditorToken);
        var created = await harness.Admin.PostJsonAsync("/api/accounts", new
        {
            id = "acme", kind = "brand", language = "en-GB", editors = new[] { "ed" },
            publisher = new { type = "mastodon", instance = fake.Url, accessToken = UpstreamToken },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        harness.ProxyToken = await harness.CreateProxyTokenAsync(harness.Editor, "acme");
        harness.Client = harness.Mastodon(harness.ProxyToken);
        return harness;
    }

    /// <summary><c>POST /api/accounts/{id}/proxy-tokens</c> as <paramref name="who"/>; the secret it answers once.</summary>
    public async Task<string> CreateProxyTokenAsync(HttpClient who, string account, string name = "test app")
    {
        var response = await who.PostJsonAsync($"/api/accounts/{account}/proxy-tokens", new { name });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{response.StatusCode}: {json}");
        return json.GetProperty("token").GetString()!;
    }

    /// <summary>A client as a Mastodon app makes it: the gateway's root as the instance, a bearer token.</summary>
    public HttpClient Mastodon(string? token)
    {
        var client = Gateway.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>The answer's JSON, after checking it is Mastodon's content type (never problem+json).</summary>
    public static async Task<JsonElement> MastodonJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"{(int)response.StatusCode} {response.Content.Headers.ContentType}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    /// <summary>An error answer: the status, and <c>error</c> as a string (what clients show).</summary>
    public static async Task<string> ErrorAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var json = await MastodonJsonAsync(response);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {json}");
        return json.GetProperty("error").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Fake.DisposeAsync();
    }
}
