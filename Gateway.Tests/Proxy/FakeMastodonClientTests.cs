using Gateway.Tests.Fakes;
using Gateway.Tests.Media;
using Gateway.Tests.Networks;
using static Gateway.Tests.Proxy.MastodonClient;

namespace Gateway.Tests.Proxy;

/// <summary>
/// The fake instance the proxy forwards to, driven by the two real client libraries: what they send, it takes, and
/// what it answers, they read — so the proxy's tests stand on a fake real apps agree with.
/// </summary>
public sealed class FakeMastodonClientTests
{
    private const string Token = "pasted-token-clients";

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_status_is_created_once_and_read_back_as_the_library_returned_it(string library)
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        var client = new MastodonClient(library, fake.Url, Token);

        var status = await client.ValueAsync("post", new { status = "Stores open at nine.", visibility = "unlisted", language = "de" });

        var made = Assert.Single(fake.Statuses);
        Assert.Equal(made.Id, Text(status, "id"));
        Assert.Equal("<p>Stores open at nine.</p>", Text(status, "content"));
        Assert.Equal(("Stores open at nine.", "unlisted", "de"), (made.Text, made.Visibility, made.Language));
        Assert.Equal(made.Id, Text(await client.ValueAsync("status", new { id = made.Id }), "id"));
        Assert.Equal(FakeMastodon.AccountId, Text(await client.ValueAsync("verify"), "id"));
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task An_image_waits_for_processing_and_goes_out_with_its_description(string library)
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        var client = new MastodonClient(library, fake.Url, Token);
        var path = Path.Combine(Path.GetTempPath(), $"client-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(path, TestImages.Png());

        var media = await client.ValueAsync("upload", new { path, type = "image/png", description = "Flooded car park" });
        var described = await client.ValueAsync("describe", new { id = Text(media, "id"), description = "Flooded car park behind the station" });
        var status = await client.ValueAsync("post", new { status = "Avoid the station car park.", mediaIds = new[] { Text(media, "id") } });
        File.Delete(path);

        Assert.NotNull(Text(media, "url"));
        Assert.Equal("Flooded car park behind the station", Text(described, "description"));
        var upload = Assert.Single(fake.Uploads.Values);
        Assert.Equal(TestImages.Png(), upload.Bytes);
        Assert.Equal(("image/png", "Flooded car park behind the station"), (upload.Type, upload.Description));
        var attached = Assert.Single(Field(status, "media_attachments").EnumerateArray());
        Assert.Equal("Flooded car park behind the station", Text(attached, "description"));
        Assert.Equal(upload.Id, Assert.Single(Assert.Single(fake.Statuses).Media).Id);
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task A_boost_reaches_the_instance_once(string library)
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        var client = new MastodonClient(library, fake.Url, Token);
        var original = Text(await client.ValueAsync("post", new { status = "Shelter at the school gym." }), "id");

        var boost = await client.ValueAsync("reblog", new { id = original });

        Assert.Contains(original, boost.ToString()); // the boosted status, as the library parsed the answer
        Assert.Equal($"reblog {original}", Assert.Single(fake.Acts));
    }

    [Theory]
    [MemberData(nameof(Libraries), MemberType = typeof(MastodonClient))]
    public async Task The_library_signs_in_with_OAuth_and_a_revoked_token_is_refused(string library)
    {
        await using var fake = await FakeMastodon.StartAsync();
        var client = new MastodonClient(library, fake.Url);
        const string redirectUri = "http://127.0.0.1:9/callback";

        var app = await client.ValueAsync("register", new { name = "Crisis desk", redirectUri, scopes = "read write" });
        var authorize = new Uri(Text(app, "authorizeUrl"));
        // masto.js leaves the authorize address to the app, which adds PKCE; megalodon builds it without.
        Assert.Equal(library == Masto, authorize.Query.Contains("code_challenge_method=S256"));
        var (back, code, _) = await NetworkHarness.ConsentAsync(authorize);
        Assert.StartsWith(redirectUri, back.ToString());
        var token = await client.ValueAsync("exchange", new { clientId = Text(app, "clientId"), clientSecret = Text(app, "clientSecret"), code, redirectUri, verifier = Text(app, "verifier"), scopes = "read write" });
        var accessToken = Text(token, "access_token");
        var signedIn = client.WithToken(accessToken);
        Assert.Equal(FakeMastodon.AccountId, Text(await signedIn.ValueAsync("verify"), "id"));

        await client.ValueAsync("revoke", new { clientId = Text(app, "clientId"), clientSecret = Text(app, "clientSecret"), token = accessToken });
        var refused = await signedIn.CallAsync("post", new { status = "After sign-out." });

        Assert.Equal(401, refused.ErrorStatus);
        Assert.Equal("The access token is invalid", refused.ErrorMessage);
        Assert.Empty(fake.Statuses);
    }

    [Fact]
    public async Task A_client_that_hangs_is_killed_and_fails_with_what_it_was_doing()
    {
        await using var fake = await FakeMastodon.StartAsync(Token);
        fake.Next = _ => FakeMastodon.Behaviour.HangBeforeCreate;
        var client = new MastodonClient(Masto, fake.Url, Token);

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => client.CallAsync("post", new { status = "Never answered." }, TimeSpan.FromSeconds(5)));

        Assert.True(fake.Hanging.Task.IsCompleted, "the client never reached the instance: " + failure.Message);
        Assert.Contains("mastodon-clients/masto.mjs did not finish", failure.Message);
        Assert.Empty(fake.Statuses);
    }
}
