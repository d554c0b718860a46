using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class WebhookPublisherTests
{
    private static async Task<(TestGateway Gateway, HttpClient Admin)> StartAsync(Receiver receiver, Dictionary<string, string?>? settings = null)
    {
        var gateway = new TestGateway(settings: settings);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "mastodon", publisher: new { type = "webhook", url = receiver.Url });
        return (gateway, admin);
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_the_same_idempotency_key_until_published()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answer = n => Task.FromResult(n <= 2 ? 503 : 201);
        var (gateway, admin) = await StartAsync(receiver);
        using var _ = gateway;

        var id = (await admin.SubmitAsync("acme", "Storm update: stores open as usual.", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        Assert.Equal("published", await admin.WaitForStatusAsync(id, "published", "failed", "held"));

        Assert.Equal(3, receiver.Calls.Count);
        Assert.All(receiver.Calls, c => Assert.Equal(id, c.IdempotencyKey));
        var sent = JsonDocument.Parse(receiver.Calls.Last().Body).RootElement;
        Assert.Equal("Storm update: stores open as usual.", sent.GetProperty("body").GetString());
        Assert.Equal("mastodon", sent.GetProperty("network").GetString());
        var retries = await (await admin.GetAsync($"/api/audit?subject={id}&action=post.publish-retry")).ReadJsonAsync();
        Assert.Equal(2, retries.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_refusal_fails_at_once_and_endless_5xx_is_held_as_unconfirmed_after_the_configured_attempts()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answer = _ => Task.FromResult(422);
        var (gateway, admin) = await StartAsync(receiver, new() { ["Gateway:Publishing:MaxAttempts"] = "3" });
        using var _ = gateway;

        var refused = (await admin.SubmitAsync("acme", "Refused", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        Assert.Equal("failed", await admin.WaitForStatusAsync(refused, "published", "failed", "held"));
        Assert.Single(receiver.Calls);
        Assert.Contains("422", (await admin.GetPostAsync(refused)).GetProperty("statusReason").GetString());

        receiver.Answer = _ => Task.FromResult(500);
        var down = (await admin.SubmitAsync("acme", "Down", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        // A 500 may come after the receiver stored the post: not "failed" (which invites a second copy) but unconfirmed.
        Assert.Equal("held", await admin.WaitForStatusAsync(down, "published", "failed", "held"));
        Assert.Equal(1 + 3, receiver.Calls.Count);
        var held = await admin.GetPostAsync(down);
        Assert.True(held.GetProperty("unconfirmed").GetBoolean());
        Assert.Contains("may have received", held.GetProperty("statusReason").GetString());
    }

    [Fact]
    public async Task A_freeze_landing_while_the_webhook_call_is_in_flight_holds_the_post()
    {
        await using var receiver = await Receiver.StartAsync();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource<int>();
        receiver.Answer = _ =>
        {
            inFlight.TrySetResult();
            return never.Task; // the network hangs
        };
        var (gateway, admin) = await StartAsync(receiver);
        using var _ = gateway;

        var id = (await admin.SubmitAsync("acme", "Sending…", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        await inFlight.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.FreezeAsync()).StatusCode);

        // The freeze call returned only after the in-flight publish settled.
        var post = await admin.GetPostAsync(id);
        Assert.Equal("held", post.GetProperty("status").GetString());
        Assert.Contains("freeze landed", post.GetProperty("statusReason").GetString());
        never.SetResult(200);
    }

    [Fact]
    public async Task Without_the_test_switch_a_webhook_on_a_private_address_is_refused_not_called()
    {
        await using var receiver = await Receiver.StartAsync();
        var (gateway, admin) = await StartAsync(receiver, new() { ["Gateway:Publishing:AllowPrivateAddresses"] = "false" });
        using var _ = gateway;

        var id = (await admin.SubmitAsync("acme", "Hello", DateTimeOffset.UtcNow.AddSeconds(1))).GetProperty("id").GetString()!;
        Assert.Equal("failed", await admin.WaitForStatusAsync(id, "published", "failed", "held"));
        Assert.Empty(receiver.Calls);
        Assert.Contains("internal address", (await admin.GetPostAsync(id)).GetProperty("statusReason").GetString());
        var retries = await (await admin.GetAsync($"/api/audit?subject={id}&action=post.publish-retry")).ReadJsonAsync();
        Assert.Equal(0, retries.GetProperty("items").GetArrayLength()); // a refusal is not worth retrying
    }
}
