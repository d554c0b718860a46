using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class NotificationTests
{
    private static Dictionary<string, string?> Settings(Receiver receiver, string format, string? role = null)
    {
        var settings = new Dictionary<string, string?>
        {
        ["Gateway:RulesDir"] = RulesCopy.With(("policy.yml", "review:\n  accounts: [acme]\n")),
        ["Gateway:Notifications:Webhooks:0:Name"] = "team",
        ["Gateway:Notifications:Webhooks:0:Url"] = receiver.Url,
        ["Gateway:Notifications:Webhooks:0:Format"] = format,
        ["Gateway:Notifications:AllowPrivateAddresses"] = "true",
        ["Gateway:Notifications:PollInterval"] = "00:00:00.050",
        ["Gateway:Notifications:RetryDelay"] = "00:00:00.100",
        ["Gateway:Notifications:MaxRetryDelay"] = "00:00:00.400",
        };
        if (role is not null)
        {
            settings["Gateway:Notifications:Webhooks:0:Roles:0"] = role;
        }
        return settings;
    }

    [Fact]
    public async Task A_receiver_that_is_down_for_a_while_gets_everything_once_when_it_comes_back()
    {
        await using var receiver = await Receiver.StartAsync();
        receiver.Answer = n => Task.FromResult(n <= 6 ? 503 : 200); // down for the first six tries
        using var gateway = new TestGateway(settings: Settings(receiver, "json"));
        var admin = await gateway.SignInAsync("root", "admin");
        var rita = await gateway.SignInAsync("rita", "reviewer");
        await admin.CreateAccountAsync("acme");

        var id = (await admin.SubmitAsync("acme", "Statement", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
        await rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "reject", comment = "Not yet <!channel>" });
        await admin.FreezeAsync("Storm");
        await admin.UnfreezeAsync("Storm passed");

        var expected = new[] { "review.requested", "post.rejected", "freeze", "unfreeze" };
        await Eventually.WaitForAsync(
            () => Task.FromResult(Delivered(receiver)),
            delivered => delivered.Length >= expected.Length,
            "all notifications to be delivered");
        await Task.Delay(500); // anything sent twice would arrive now
        var events = Delivered(receiver);
        Assert.Equal(expected, events.Select(e => e.GetProperty("event").GetString()!).ToArray());
        Assert.Equal(events.Length, events.Select(e => e.GetProperty("id").GetInt64()).Distinct().Count());
        Assert.Equal(id, events[0].GetProperty("postId").GetString());
        Assert.All(receiver.Calls, c => Assert.StartsWith("notification-", c.IdempotencyKey));
    }

    [Fact]
    public async Task Slack_receivers_get_a_text_field_with_user_text_escaped_and_role_filters_apply()
    {
        await using var receiver = await Receiver.StartAsync();
        using var gateway = new TestGateway(settings: Settings(receiver, "slack", role: "editor"));
        var admin = await gateway.SignInAsync("root", "admin");
        var rita = await gateway.SignInAsync("rita", "reviewer");
        await admin.CreateAccountAsync("acme");

        var id = (await admin.SubmitAsync("acme", "Statement", DateTimeOffset.UtcNow.AddHours(1))).GetProperty("id").GetString()!;
        await rita.PostJsonAsync($"/api/posts/{id}/reviews", new { verdict = "reject", comment = "Not yet <!channel>" });

        var call = await Eventually.WaitForAsync(() => Task.FromResult(receiver.Calls.FirstOrDefault()), c => c is not null, "a notification");
        await Task.Delay(300);
        var text = Assert.Single(receiver.Calls).Body; // editors hear of the rejection, not of the review request
        var slack = JsonDocument.Parse(text).RootElement.GetProperty("text").GetString()!;
        Assert.Contains("Rejected", slack);
        Assert.Contains("&lt;!channel&gt;", slack);
        Assert.DoesNotContain("<!channel>", slack);
    }

    private static JsonElement[] Delivered(Receiver receiver) =>
        receiver.Calls.Skip(6).Select(c => JsonDocument.Parse(c.Body).RootElement).ToArray();
}
