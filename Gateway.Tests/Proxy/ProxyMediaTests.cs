using System.Net;
using System.Net.Http.Headers;
using Gateway.Tests.Media;
using Gateway.Tests.Support;
using static Gateway.Tests.Proxy.ProxyHarness;

namespace Gateway.Tests.Proxy;

/// <summary>Images through /api/v2/media go through the media store (metadata removed); the description is the alt text.</summary>
public sealed class ProxyMediaTests
{
    private static MultipartFormDataContent Upload(byte[] bytes, string? description)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "file", "photo.jpg");
        if (description is not null)
        {
            form.Add(new StringContent(description), "description");
        }
        return form;
    }

    [Fact]
    public async Task An_image_with_a_description_is_stored_cleaned_and_goes_out_with_the_status_as_its_alt_text()
    {
        await using var h = await StartAsync();

        var uploaded = await h.Client.PostAsync("/api/v2/media", Upload(TestImages.PhoneJpeg(), "Flooded street"));
        var attachment = await MastodonJsonAsync(uploaded);
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var id = attachment.GetProperty("id").GetString()!;
        Assert.False(string.IsNullOrEmpty(attachment.GetProperty("url").GetString())); // processed: masto stops polling
        Assert.Equal("Flooded street", attachment.GetProperty("description").GetString());
        var stored = await (await h.Editor.GetAsync($"/api/media/{id}")).ReadJsonAsync();
        Assert.NotEmpty(stored.GetProperty("removed").EnumerateArray()); // the phone's GPS and camera data

        var described = await h.Client.PutAsync($"/api/v1/media/{id}", Form(("description", "Flooded street in the old town")));
        Assert.Equal("Flooded street in the old town", (await MastodonJsonAsync(described)).GetProperty("description").GetString());
        Assert.Equal("Flooded street in the old town", (await MastodonJsonAsync(await h.Client.GetAsync($"/api/v1/media/{id}"))).GetProperty("description").GetString());

        var status = await h.Client.PostAsync("/api/v1/statuses", Support.Api.JsonContent(new { status = "The old town is flooded.", media_ids = new[] { id } }));
        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        var sent = Assert.Single(Assert.Single(h.Fake.Statuses).Media);
        Assert.Equal("Flooded street in the old town", sent.Description);
    }

    [Fact]
    public async Task Media_ids_that_are_not_the_users_uploads_are_refused_as_Mastodon_does()
    {
        await using var h = await StartAsync();
        var other = await h.Gateway.SignInAsync("kim", "editor");
        var theirs = (await (await MediaApiTests.UploadAsync(other, TestImages.Png())).ReadJsonAsync()).GetProperty("id").GetString()!;

        var response = await h.Client.PostAsync("/api/v1/statuses", Form(("status", "Look"), ("media_ids[]", theirs)));
        var missing = await h.Client.GetAsync($"/api/v1/media/{theirs}");
        var empty = await h.Client.PostAsync("/api/v2/media", new MultipartFormDataContent { { new StringContent("x"), "description" } });

        Assert.Equal("Validation failed: Media attachments are invalid", await ErrorAsync(response, HttpStatusCode.UnprocessableEntity));
        Assert.Equal("Record not found", await ErrorAsync(missing, HttpStatusCode.NotFound));
        Assert.Equal("Validation failed: File can't be blank", await ErrorAsync(empty, HttpStatusCode.UnprocessableEntity));
        Assert.Empty(h.Fake.Statuses);
    }
}
