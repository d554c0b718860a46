using System.Net;
using Gateway.Tests.Support;
using Gateway.Users;

namespace Gateway.Tests;

/// <summary>Behind a TLS-terminating proxy named in <c>Gateway:ForwardedHeaders</c>, the session cookie is <c>Secure</c>.</summary>
public sealed class ProxyHeadersTests : IAsyncLifetime
{
    private const string Proxy = "10.0.0.5";

    private readonly TestGateway _gateway = new(settings: new()
    {
        ["Gateway:ForwardedHeaders:KnownProxies:0"] = Proxy,
        ["Gateway:ForwardedHeaders:KnownNetworks:0"] = "192.168.10.0/24",
        ["Gateway:RateLimits:SignInPermits"] = "2",
        ["Gateway:RateLimits:Window"] = "01:00:00",
    }, services: PeerAddress.Add);

    private string _token = "";

    public async Task InitializeAsync() => _token = (await _gateway.Service<UserStore>().CreateAsync("eve", Role.Editor, "test")).Token;

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Theory]
    [InlineData(Proxy, true)]
    [InlineData("192.168.10.77", true)] // in a known network
    [InlineData("10.0.0.9", false)] // anyone else claiming TLS is not believed
    public async Task The_session_cookie_is_Secure_when_a_known_proxy_says_the_client_spoke_https(string peer, bool secure)
    {
        var cookie = await SignInAsync(peer, new() { ["X-Forwarded-Proto"] = "https", ["X-Forwarded-For"] = "198.51.100.1" });
        Assert.Equal(secure, cookie.Split(';').Any(p => p.Trim().Equals("secure", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public async Task Without_the_header_the_cookie_is_not_Secure_even_through_the_proxy()
    {
        var cookie = await SignInAsync(Proxy, []);
        Assert.DoesNotContain("secure", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Behind_the_proxy_the_sign_in_limit_counts_each_client_not_the_proxy()
    {
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostSignInAsync(Proxy, new() { ["X-Forwarded-For"] = "198.51.100.2" }, "cg_guess")).Response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostSignInAsync(Proxy, new() { ["X-Forwarded-For"] = "198.51.100.2" }, _token)).Response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PostSignInAsync(Proxy, new() { ["X-Forwarded-For"] = "198.51.100.3" }, _token)).Response.StatusCode);
    }

    [Theory]
    [InlineData("KnownProxies", "proxy.local", "Gateway:ForwardedHeaders:KnownProxies: 'proxy.local' is not an IP address.")]
    [InlineData("KnownNetworks", "10.0.0.0/33", "Gateway:ForwardedHeaders:KnownNetworks: '10.0.0.0/33' is not a network like 10.0.0.0/24.")]
    public void A_proxy_setting_that_is_not_an_address_stops_the_start_with_one_line(string key, string value, string message)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        var problem = Assert.Throws<ConfigurationProblem>(() => GatewayHost.Build([$"--Gateway:DataDir={dataDir}", $"--Gateway:RulesDir={Paths.Rules}", $"--Gateway:ForwardedHeaders:{key}:0={value}"]));
        Assert.Equal(message, problem.Message);
    }

    private async Task<string> SignInAsync(string peer, Dictionary<string, string> headers)
    {
        var (response, cookies) = await PostSignInAsync(peer, headers, _token);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return cookies.Single(c => c.StartsWith("cg.session=", StringComparison.Ordinal));
    }

    /// <summary>
    /// The form by hand, cookies included: a cookie jar would not send a <c>Secure</c> antiforgery cookie back over the
    /// test server's plain HTTP, which is the very thing under test.
    /// </summary>
    private async Task<(HttpResponseMessage Response, IReadOnlyList<string> Cookies)> PostSignInAsync(string peer, Dictionary<string, string> headers, string token)
    {
        using var client = _gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(PeerAddress.Header, peer);
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.Add(name, value);
        }
        var form = await client.GetAsync("/signin");
        var antiforgery = WebSession.AntiforgeryToken(await form.Content.ReadAsStringAsync())!;
        var request = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent([new("token", token), new(WebSession.AntiforgeryField, antiforgery)]),
        };
        request.Headers.Add("Cookie", string.Join("; ", form.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0])));
        var response = await client.SendAsync(request);
        return (response, response.Headers.TryGetValues("Set-Cookie", out var set) ? set.ToArray() : []);
    }
}
