using Gateway.Tests.Support;

namespace Gateway.Tests.Links;

/// <summary>The link check inside the whole gateway: at submit, and again in the fire-time gate.</summary>
public sealed class LinkFireTimeTests
{
    [Fact]
    public async Task A_link_that_breaks_between_submit_and_publish_holds_the_post()
    {
        await using var site = await LinkSite.StartAsync();
        using var gateway = new TestGateway(settings: new()
        {
            ["Gateway:Links:Enabled"] = "true",
            ["Gateway:Links:AllowPrivateAddresses"] = "true",
        });
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");

        var broken = await admin.SubmitAsync("acme", $"Gone: {site.Origin}/gone-404", DateTimeOffset.UtcNow.AddHours(1));
        Assert.Equal("blocked", broken.GetProperty("status").GetString());
        Assert.Equal("link.broken", broken.GetProperty("findings")[0].GetProperty("rule").GetString());

        var post = await admin.SubmitAsync("acme", $"Our spring sale: {site.Origin}/promo", DateTimeOffset.UtcNow.AddSeconds(2));
        Assert.Equal("scheduled", post.GetProperty("status").GetString());
        site.PromoStatus = 404; // the campaign page is taken down before the post goes out

        var id = post.GetProperty("id").GetString()!;
        Assert.Equal("held", await admin.WaitForStatusAsync(id, "held", "published"));
        var held = await admin.GetPostAsync(id);
        Assert.Contains("link.broken", held.GetProperty("statusReason").GetString());
        Assert.Contains(held.GetProperty("findings").EnumerateArray(), f => f.GetProperty("rule").GetString() == "link.broken");
        Assert.Empty(gateway.OutboxIds());
    }
}
