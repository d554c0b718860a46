using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests.Media;

/// <summary>Posts carry images: validated, stored in order with their alt texts, checked, and part of what is approved.</summary>
public abstract class PostMediaTests(Engine engine) : IAsyncLifetime
{
    private const string Policy = """
        approvals: 1
        review:
          accounts: [acme]
        """;

    private readonly TestGateway _gateway = new(settings: new()
    {
        ["Gateway:RulesDir"] = RulesCopy.With(("policy.yml", Policy)),
        ["Gateway:LateGrace"] = "1.00:00:00",
    }, engine: engine);
    private HttpClient _eve = null!, _rita = null!;
    private string _a = "", _b = "";

    public async Task InitializeAsync()
    {
        var admin = await _gateway.SignInAsync("root", "admin");
        _eve = await _gateway.SignInAsync("eve", "editor");
        _rita = await _gateway.SignInAsync("rita", "reviewer");
        await admin.CreateAccountAsync("acme", network: "outbox", editors: ["eve"]);
        await admin.CreateAccountAsync("acme-bsky", network: "bluesky", editors: ["eve"]);
        _a = await UploadAsync(TestImages.Png(32, 32));
        _b = await UploadAsync(TestImages.Png(40, 20));
    }

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private async Task<string> UploadAsync(byte[] image) =>
        (await (await MediaApiTests.UploadAsync(_eve, image, "a.png", "image/png")).ReadJsonAsync()).GetProperty("id").GetString()!;

    private Task<HttpResponseMessage> SubmitAsync(string account, object[] media) =>
        _eve.PostJsonAsync("/api/posts", new { account, body = "Our new shelter opened today.", scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O"), media });

    private static string[] Rules(JsonElement post) =>
        post.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).ToArray();

    [Fact]
    public async Task A_post_keeps_its_images_in_order_and_an_image_without_alt_text_is_found()
    {
        var response = await SubmitAsync("acme-bsky", [new { id = _b, alt = "The shelter's front door" }, new { id = _a }]);
        var post = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var read = await _eve.GetPostAsync(post.GetProperty("id").GetString()!);
        Assert.Equal([_b, _a], read.GetProperty("media").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
        Assert.Equal("The shelter's front door", read.GetProperty("media")[0].GetProperty("alt").GetString());
        Assert.False(read.GetProperty("media")[1].TryGetProperty("alt", out _));
        var missing = Assert.Single(read.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "media.alt-missing");
        Assert.Equal("media[1].alt", missing.GetProperty("location").GetString());
        Assert.Equal("review", missing.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task An_unknown_image_is_a_400_problem_naming_it()
    {
        foreach (var (media, says) in new (object[], string)[]
        {
            ([new { id = "0123456789abcdef0123456789abcdef", alt = "x" }], "'media[0].id' '0123456789abcdef0123456789abcdef' is not an uploaded image"),
            ([new { id = _a, alt = "x" }, new { alt = "y" }], "'media[1].id' is required"),
            ([new { id = _a, alt = new string('a', 1501) }], "'media[0].alt' is 1501 characters"),
        })
        {
            var response = await SubmitAsync("acme", media);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(says, (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        }
        Assert.Empty(await (await _eve.GetAsync("/api/posts")).ReadJsonAsync() is { } list ? list.EnumerateArray().ToArray() : []);
    }

    [Fact]
    public async Task Swapping_an_image_or_changing_its_alt_text_voids_the_approval()
    {
        var post = await (await SubmitAsync("acme", [new { id = _a, alt = "Volunteers at the door" }])).ReadJsonAsync();
        var id = post.GetProperty("id").GetString()!;
        var approvedHash = post.GetProperty("contentHash").GetString()!;
        Assert.Equal("pending_review", post.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await _rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve", contentHash = approvedHash })).StatusCode);
        Assert.Equal("scheduled", await _eve.StatusAsync(id));

        // The text and time stay; only the image changes.
        var swapped = await (await _eve.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { media = new[] { new { id = _b, alt = "Volunteers at the door" } } }))).ReadJsonAsync();
        Assert.Equal("pending_review", swapped.GetProperty("status").GetString());
        Assert.NotEqual(approvedHash, swapped.GetProperty("contentHash").GetString());
        var history = await (await _eve.GetAsync($"/api/posts/{id}/reviews")).ReadJsonAsync();
        Assert.True(history[0].TryGetProperty("voidedAt", out _));

        // Approved again, then only the alt text changes: void again.
        Assert.Equal(HttpStatusCode.OK, (await _rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "approve" })).StatusCode);
        Assert.Equal("scheduled", await _eve.StatusAsync(id));
        var realt = await (await _eve.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { media = new[] { new { id = _b, alt = "Two volunteers at the door" } } }))).ReadJsonAsync();
        Assert.Equal("pending_review", realt.GetProperty("status").GetString());
        Assert.NotEqual(swapped.GetProperty("contentHash").GetString(), realt.GetProperty("contentHash").GetString());

        // An edit of the time alone keeps the images.
        var moved = await (await _eve.PutAsync($"/api/posts/{id}", Support.Api.JsonContent(new { scheduledAt = DateTimeOffset.UtcNow.AddDays(2).ToString("O") }))).ReadJsonAsync();
        Assert.Equal(_b, moved.GetProperty("media")[0].GetProperty("id").GetString());
        Assert.Equal("Two volunteers at the door", moved.GetProperty("media")[0].GetProperty("alt").GetString());
    }

    [Fact]
    public void A_post_without_images_hashes_as_before()
    {
        var post = new Gateway.Posts.Post("p", "acme", "eve", "Hello", Gateway.Posts.PostStatus.Scheduled, null, DateTimeOffset.UnixEpoch, [],
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, null, 1);
        var before = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"acme\n{Gateway.Storage.UtcTimeHandler.ToText(DateTimeOffset.UnixEpoch)}\nHello")));
        Assert.Equal(before, post.ContentHash);
        Assert.NotEqual(before, (post with { Media = [new("0123456789abcdef0123456789abcdef", null)] }).ContentHash);
    }
}

public sealed class PostMediaOnSqlite() : PostMediaTests(Engine.Sqlite);

public sealed class PostMediaOnPostgres() : PostMediaTests(Engine.Postgres);
