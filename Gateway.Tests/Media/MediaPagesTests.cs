using System.Net;
using Gateway.Tests.Support;

namespace Gateway.Tests.Media;

/// <summary>The post page and the review inbox show a post's images with their alt text, escaped, and the bytes load in the session.</summary>
public sealed class MediaPagesTests : IAsyncLifetime
{
    private const string Alt = "<script>alert('x')</script> & the shelter";
    private readonly TestGateway _gateway = new();
    private string _post = "", _media = "";
    private WebSession _rita = null!, _eve = null!;

    public async Task InitializeAsync()
    {
        var admin = await _gateway.SignInAsync("root", "admin");
        var editor = await _gateway.SignInAsync("eve", "editor");
        await admin.CreateAccountAsync("acme", network: "mastodon", editors: ["eve"]);
        _media = (await (await MediaApiTests.UploadAsync(editor, TestImages.PhoneJpeg())).ReadJsonAsync()).GetProperty("id").GetString()!;
        var response = await editor.PostJsonAsync("/api/posts", new
        {
            account = "acme", body = "The new shelter.", scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
            media = new object[] { new { id = _media, alt = Alt }, new { id = _media } },
        });
        _post = (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
        _rita = await WebSession.SignInAsync(_gateway, "rita", "reviewer");
        _eve = await WebSession.SignInAsync(_gateway, "eve2", "editor");
    }

    public Task DisposeAsync()
    {
        _rita.Dispose();
        _eve.Dispose();
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("/posts/{0}")]
    [InlineData("/reviews")]
    public async Task Images_are_shown_with_their_alt_text_escaped(string path)
    {
        var html = await _rita.GetHtmlAsync(string.Format(path, _post));
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains(Alt, WebSession.Texts(html, "//ol[@class='media-list']//figcaption").Select(t => t.Replace("Alt text:", "").Trim()));
        Assert.Contains("no alt text", WebSession.Texts(html, "//ol[@class='media-list']//figcaption"));
        Assert.Contains("media[1].alt", WebSession.Texts(html, "//ol[@class='findings']//code"));
        var image = await _rita.GetAsync($"/media/{_media}");
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/jpeg", image.Content.Headers.ContentType!.MediaType);
    }
}
