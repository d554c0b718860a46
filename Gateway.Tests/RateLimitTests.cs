using System.Net;
using Gateway.Tests.Support;
using Gateway.Users;

namespace Gateway.Tests;

/// <summary>
/// The framework's rate limiter as configured: per token on the API, per address on the sign-in form, nothing on
/// health, metrics and the API documents. The window is an hour, so no test waits for one to pass.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private readonly TestGateway _gateway = new(settings: new()
    {
        ["Gateway:RateLimits:ApiPermits"] = "5",
        ["Gateway:RateLimits:SignInPermits"] = "3",
        ["Gateway:RateLimits:Window"] = "01:00:00",
    }, services: PeerAddress.Add);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task A_token_past_its_limit_gets_a_429_problem_with_Retry_After_while_other_tokens_and_monitoring_go_on()
    {
        var eve = await _gateway.SignInAsync("eve", Role.Editor);
        var rita = await _gateway.SignInAsync("rita", Role.Reviewer);
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await eve.GetAsync("/api/me")).StatusCode);
        }
        var refused = await eve.GetAsync("/api/posts");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("At most 5 API requests", problem.GetProperty("detail").GetString());
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= TimeSpan.FromHours(1), $"Retry-After: {retryAfter}");

        Assert.Equal(HttpStatusCode.OK, (await rita.GetAsync("/api/me")).StatusCode);
        foreach (var path in new[] { "/health", "/health/live", "/health/ready", "/metrics", "/openapi/v1.json" })
        {
            for (var i = 0; i < 6; i++)
            {
                Assert.Equal(HttpStatusCode.OK, (await eve.GetAsync(path)).StatusCode);
            }
        }
    }

    [Fact]
    public void A_limit_below_one_stops_the_start_with_one_line()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        var problem = Assert.Throws<ConfigurationProblem>(() => GatewayHost.Build([$"--Gateway:DataDir={dataDir}", $"--Gateway:RulesDir={Paths.Rules}", "--Gateway:RateLimits:ApiPermits=0"]));
        Assert.StartsWith("Gateway:RateLimits: ApiPermits and SignInPermits must be at least 1", problem.Message);
    }

    [Fact]
    public async Task Anonymous_API_calls_count_per_address_so_guessing_tokens_is_limited_too()
    {
        using var guesser = _gateway.ClientWithToken("cg_guess");
        guesser.DefaultRequestHeaders.Add(PeerAddress.Header, "203.0.113.20");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/me")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.TooManyRequests, (await guesser.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task Sign_ins_past_the_limit_from_one_address_are_refused_even_with_a_good_token_and_other_addresses_are_not()
    {
        using var guesser = WebSession.Anonymous(_gateway);
        guesser.Client.DefaultRequestHeaders.Add(PeerAddress.Header, "203.0.113.7");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.TrySignInAsync($"cg_guess{i}")).StatusCode);
        }
        var (_, token) = await _gateway.Service<UserStore>().CreateAsync("late", Role.Editor, "test");
        var refused = await guesser.TrySignInAsync(token);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("Too many sign-in attempts from your address", WebSession.Texts(await refused.Content.ReadAsStringAsync(), "//p[@class='error']").Single());
        Assert.False(refused.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("cg.session=", StringComparison.Ordinal)));
        // The form itself still shows: only posting it counts.
        Assert.Equal(HttpStatusCode.OK, (await guesser.GetAsync("/signin")).StatusCode);

        using var colleague = WebSession.Anonymous(_gateway);
        colleague.Client.DefaultRequestHeaders.Add(PeerAddress.Header, "203.0.113.8");
        Assert.Equal(HttpStatusCode.Redirect, (await colleague.TrySignInAsync(token)).StatusCode);
    }
}
