using System.Net;
using System.Text;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>The inputs seen answering 500 (issue 12): each is a 400 problem naming its field, and nothing changes.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TestGateway _gateway = new();
    private HttpClient _admin = null!;
    private string _postId = "";

    public async Task InitializeAsync()
    {
        _admin = await _gateway.SignInAsync("root", "admin");
        await _admin.CreateAccountAsync("acme");
        _postId = (await _admin.SubmitAsync("acme", "Hello", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()!;
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    public static TheoryData<string, string> DeepBodies()
    {
        var data = new TheoryData<string, string>();
        foreach (var endpoint in new[] { "POST /api/posts", "PUT /api/posts/{id}", "POST /api/check" })
        {
            foreach (var shape in new[] { "quotes", "lists", "mixed", "emphasis" })
            {
                data.Add(endpoint, shape);
            }
        }
        return data;
    }

    private static string DeepBody(string name) => name switch
    {
        "quotes" => string.Concat(Enumerable.Repeat("> ", 200)) + "deep",
        "lists" => string.Concat(Enumerable.Repeat("- ", 200)) + "deep",
        "mixed" => string.Concat(Enumerable.Repeat("> - ", 100)) + "deep",
        _ => new string('*', 400) + "deep" + new string('*', 400),
    };

    [Theory]
    [MemberData(nameof(DeepBodies))]
    public async Task Markdown_nested_too_deep_is_a_400_naming_the_body(string endpoint, string shape)
    {
        var body = DeepBody(shape);
        var response = await SendAsync(endpoint, $$"""{"account":"acme","body":{{Quote(body)}},"scheduledAt":"{{DateTimeOffset.UtcNow.AddDays(2):O}}"}""");
        await AssertProblemAsync(response, "body");
        Assert.Equal("Hello", (await _admin.GetPostAsync(_postId)).GetProperty("body").GetString());
    }

    public static TheoryData<string> BadText() => new()
    {
        "\uFFFE",        // a noncharacter, sent as UTF-8
        "\\uFFFF",       // a noncharacter, as a JSON escape
        "\\uFDD0",
        "\\uD800",       // lone high surrogate
        "\\uDC00x",      // lone low surrogate
        "\\uDBFF\\uDFFF", // U+10FFFF, a noncharacter outside the BMP
    };

    [Theory]
    [MemberData(nameof(BadText))]
    public async Task Noncharacters_and_lone_surrogates_are_a_400_naming_the_field(string text)
    {
        foreach (var endpoint in new[] { "POST /api/posts", "PUT /api/posts/{id}", "POST /api/check" })
        {
            var response = await SendAsync(endpoint, $$"""{"account":"acme","body":"Hello {{text}} there"}""");
            await AssertProblemAsync(response, "body");
        }
        var freeze = await SendAsync("POST /api/freeze", $$"""{"reason":"why {{text}}"}""");
        await AssertProblemAsync(freeze, "reason");
        Assert.False((await (await _admin.GetAsync("/api/freeze")).ReadJsonAsync()).GetProperty("frozen").GetBoolean());
    }

    public static TheoryData<string, string, string> NullItems() => new()
    {
        { "POST /api/freeze", """{"reason":"drill","accounts":[null]}""", "accounts" },
        { "POST /api/trends", """{"trends":[null]}""", "trends" },
        { "POST /api/trends", """{"trends":[{"tag":"x","context":"c","sensitivity":"tragedy","keywords":[null]}]}""", "keywords" },
        { "POST /api/posts/release", """{"ids":[null],"scheduledAt":"2099-01-01T00:00:00Z"}""", "ids" },
        { "POST /api/posts/cancel", """{"ids":["a",null]}""", "ids" },
        { "POST /api/accounts", """{"id":"b","network":"x","kind":"brand","language":"en","editors":[null]}""", "editors" },
    };

    [Theory]
    [MemberData(nameof(NullItems))]
    public async Task A_null_inside_a_list_is_a_400_naming_the_list(string endpoint, string json, string field)
    {
        await AssertProblemAsync(await SendAsync(endpoint, json), field);
        Assert.False((await (await _admin.GetAsync("/api/freeze")).ReadJsonAsync()).GetProperty("frozen").GetBoolean());
    }

    [Theory]
    [InlineData("9999-12-31T00:00:00Z")] // as seen: the first post moved, then the second time overflowed
    [InlineData("9999-12-30T00:00:00Z")] // the start is fine, the second post's time is not
    public async Task A_release_whose_later_times_overflow_changes_nothing(string start)
    {
        var ids = new[] { _postId, (await _admin.SubmitAsync("acme", "Second", DateTimeOffset.UtcNow.AddDays(1))).GetProperty("id").GetString()! };
        var before = await Task.WhenAll(ids.Select(id => _admin.GetPostAsync(id)));

        var response = await SendAsync("POST /api/posts/release",
            $$"""{"ids":["{{ids[0]}}","{{ids[1]}}"],"scheduledAt":"{{start}}","spacingMinutes":1440}""");

        await AssertProblemAsync(response, "scheduledAt");
        var after = await Task.WhenAll(ids.Select(id => _admin.GetPostAsync(id)));
        Assert.Equal(before.Select(p => p.GetProperty("scheduledAt").GetString()), after.Select(p => p.GetProperty("scheduledAt").GetString()));
        Assert.Equal(before.Select(p => p.GetProperty("version").GetInt32()), after.Select(p => p.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task A_call_without_its_json_body_says_so_and_changes_nothing()
    {
        Assert.Equal(HttpStatusCode.OK, (await _admin.PostJsonAsync("/api/freeze", new { reason = "Shooting in the news" })).StatusCode);

        var response = await _admin.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/api/freeze"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("This request needs a JSON body (Content-Type: application/json); none was sent.",
            (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        Assert.True((await (await _admin.GetAsync("/api/freeze")).ReadJsonAsync()).GetProperty("frozen").GetBoolean());
    }

    [Fact]
    public async Task A_trend_tag_with_a_control_character_is_refused_so_it_never_becomes_a_path_no_server_accepts()
    {
        var response = await SendAsync("POST /api/trends", """{"trends":[{"tag":"a\u0000b","context":"c","sensitivity":"tragedy"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not a hashtag", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_too_deep_post_stored_before_the_api_refused_it_still_has_its_pages()
    {
        // The old API accepted emphasis 400 levels deep (Markdig parses it; only rendering gave up).
        var body = DeepBody("emphasis");
        var now = DateTimeOffset.UtcNow;
        var post = new Gateway.Posts.Post("deep", "acme", "root", body, Gateway.Posts.PostStatus.Blocked, "stored earlier", now.AddDays(1), [], now, now, null, null, 1);
        await _gateway.Service<Gateway.Posts.PostStore>().InsertAsync(post);
        var web = await WebSession.SignInAsync(_gateway, "ada", "admin");

        foreach (var page in new[] { "/posts/deep", "/compose/deep" })
        {
            var response = await web.GetAsync(page);
            var html = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{page}: {(int)response.StatusCode}");
            Assert.Contains("No preview", html);
        }
    }

    [Fact]
    public async Task A_too_deep_post_stored_before_the_api_refused_it_is_held_at_fire_time_not_crashed()
    {
        var now = DateTimeOffset.UtcNow;
        var post = new Gateway.Posts.Post("deep-due", "acme", "root", DeepBody("emphasis"), Gateway.Posts.PostStatus.Scheduled, null, now, [], now, now, null, null, 1);
        await _gateway.Service<Gateway.Posts.PostStore>().InsertAsync(post);

        await Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<Gateway.Scheduling.PublishJob>(_gateway.Services)
            .FireAsync("deep-due", CancellationToken.None);

        var held = (await _gateway.Service<Gateway.Posts.PostStore>().GetAsync("deep-due"))!;
        Assert.Equal(Gateway.Posts.PostStatus.Held, held.Status);
        Assert.Contains("could not read it", held.StatusReason);
    }

    private async Task<HttpResponseMessage> SendAsync(string endpoint, string json)
    {
        var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1].Replace("{id}", _postId));
        var request = new HttpRequestMessage(new HttpMethod(method), path)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        return await _admin.SendAsync(request);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, string field)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"'{field}'", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    private static string Quote(string text) => System.Text.Json.JsonSerializer.Serialize(text);
}
