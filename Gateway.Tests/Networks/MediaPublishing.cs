using System.Net;
using Gateway.Tests.Media;
using Gateway.Tests.Support;

namespace Gateway.Tests.Networks;

/// <summary>The step the per-network image tests share: an image uploaded to the gateway and a post carrying it.</summary>
public static class MediaPublishing
{
    /// <summary>Uploads a phone photo (GPS and all) and answers its id and the bytes the gateway stored.</summary>
    public static async Task<(string Id, byte[] Stored)> UploadAsync(TestGateway gateway, HttpClient admin, int width = 64, int height = 48)
    {
        var response = await MediaApiTests.UploadAsync(admin, TestImages.PhoneJpeg(width, height));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.ReadJsonAsync()).GetProperty("id").GetString()!;
        var store = gateway.Service<Gateway.Media.MediaStore>();
        return (id, await store.ReadAsync((await store.GetAsync(id))!));
    }

    /// <summary>Submits a post with images due in a second and waits for where it ends up.</summary>
    public static async Task<System.Text.Json.JsonElement> PublishAsync(HttpClient admin, string account, string body, params object[] media)
    {
        var response = await admin.PostJsonAsync("/api/posts", new { account, body, scheduledAt = DateTimeOffset.UtcNow.AddSeconds(1).ToString("O"), media });
        var post = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"submit answered {response.StatusCode}: {post}");
        var id = post.GetProperty("id").GetString()!;
        await admin.WaitForStatusAsync(id, "published", "failed", "held");
        return await admin.GetPostAsync(id);
    }
}
