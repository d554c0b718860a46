using System.Net;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public abstract class PublishPathTests(Engine engine)
{
    [Fact]
    public async Task A_post_goes_from_submit_to_published_through_the_outbox()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        var editor = await gateway.SignInAsync("eve", "editor");
        await admin.CreateAccountAsync("acme", editors: ["eve"]);

        var post = await editor.SubmitAsync("acme", "Our spring range is here. **Come and see.**", DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("scheduled", post.GetProperty("status").GetString());
        Assert.Equal(0, post.GetProperty("findings").GetArrayLength());
        var id = post.GetProperty("id").GetString()!;

        Assert.Equal("published", await editor.WaitForStatusAsync(id, "published", "held", "failed"));

        var line = JsonDocument.Parse(File.ReadAllLines(gateway.OutboxPath).Single()).RootElement;
        Assert.Equal(id, line.GetProperty("id").GetString());
        Assert.Equal("acme", line.GetProperty("account").GetString());
        Assert.Equal("Our spring range is here. **Come and see.**", line.GetProperty("body").GetString());
        Assert.True(line.TryGetProperty("publishedAt", out _));
        var published = await editor.GetPostAsync(id);
        Assert.Equal($"outbox:{id}", published.GetProperty("publishRef").GetString());

        var audit = await (await admin.GetAsync($"/api/audit?subject={id}")).ReadJsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()!).Reverse().ToArray();
        Assert.Equal(["post.submitted", "post.publishing", "post.published"], actions);
    }

    [Fact]
    public async Task A_post_over_the_network_limit_is_blocked_with_a_finding_and_never_published()
    {
        using var gateway = new TestGateway(engine: engine);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-x", network: "x");

        // X counts every link as 23 characters: 250 + 1 + 23 = 274 fits, however long the URL is.
        var body = new string('a', 250) + " https://example.com/a/very/long/path/that/still/counts/as/twenty-three/characters";
        var ok = await admin.SubmitAsync("acme-x", body, DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("scheduled", ok.GetProperty("status").GetString());

        var blocked = await admin.SubmitAsync("acme-x", new string('b', 281), DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("blocked", blocked.GetProperty("status").GetString());
        var finding = blocked.GetProperty("findings").EnumerateArray().Single();
        Assert.Equal("network.length", finding.GetProperty("rule").GetString());
        Assert.Equal("block", finding.GetProperty("severity").GetString());
        Assert.Equal(280, finding.GetProperty("start").GetInt32());
        Assert.Equal(1, finding.GetProperty("length").GetInt32());
    }
}

public sealed class PublishPathOnSqlite() : PublishPathTests(Engine.Sqlite);

public sealed class PublishPathOnPostgres() : PublishPathTests(Engine.Postgres);
