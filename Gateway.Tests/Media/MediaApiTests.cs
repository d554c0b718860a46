using System.Net;
using System.Net.Http.Headers;
using Gateway.Media;
using Gateway.Tests.Support;

namespace Gateway.Tests.Media;

public sealed class MediaApiTests : IAsyncLifetime
{
    private readonly TestGateway _gateway = new(settings: new() { ["Gateway:Media:MaxBytes"] = "200000" });
    private HttpClient _editor = null!;

    public async Task InitializeAsync() => _editor = await _gateway.SignInAsync("eve", "editor");

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] bytes, string fileName = "photo.jpg", string type = "image/jpeg")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        form.Add(file, "file", fileName);
        return await client.PostAsync("/api/media", form);
    }

    [Fact]
    public async Task A_phone_photo_is_stored_without_its_location_serial_device_or_xmp_and_says_so()
    {
        var upload = TestImages.PhoneJpeg();
        Assert.Contains(ImageCleaner.Gps, ImageCleaner.Carried(upload)); // the test image really carries them

        var response = await UploadAsync(_editor, upload);
        var json = await response.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = json.GetProperty("id").GetString()!;
        Assert.Equal("image/jpeg", json.GetProperty("type").GetString());
        Assert.Equal(64, json.GetProperty("width").GetInt32());
        Assert.Equal(48, json.GetProperty("height").GetInt32());
        Assert.Equal(["gps", "camera-serial", "device", "exif", "xmp"], json.GetProperty("removed").EnumerateArray().Select(r => r.GetString()!));

        // The bytes are in the database every node shares, not in this node's data directory.
        var stored = await _gateway.Service<MediaStore>().ReadAsync((await _gateway.Service<MediaStore>().GetAsync(id))!);
        Assert.False(Directory.Exists(Path.Combine(_gateway.DataDir, "media")));
        Assert.Empty(ImageCleaner.Carried(stored));
        Assert.DoesNotContain("Canon", System.Text.Encoding.Latin1.GetString(stored));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored));
        Assert.Equal(sha, json.GetProperty("sha256").GetString());
        Assert.Equal(sha[..32], id);
        Assert.Equal(stored.Length, json.GetProperty("bytes").GetInt64());
        Assert.Equal($"/api/media/{id}", response.Headers.Location!.OriginalString);

        // The metadata and the bytes read back, for every role that sees posts.
        var reviewer = await _gateway.SignInAsync("rita", "reviewer");
        var metadata = await (await reviewer.GetAsync($"/api/media/{id}")).ReadJsonAsync();
        Assert.Equal(sha, metadata.GetProperty("sha256").GetString());
        var content = await reviewer.GetAsync($"/media/{id}");
        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        Assert.Equal("image/jpeg", content.Content.Headers.ContentType!.MediaType);
        Assert.Equal(stored, await content.Content.ReadAsByteArrayAsync());

        // The same photo again is the same item; the audit has one upload.
        var again = await (await UploadAsync(_editor, upload)).ReadJsonAsync();
        Assert.Equal(id, again.GetProperty("id").GetString());
        var audit = await (await (await _gateway.SignInAsync("root", "admin")).GetAsync($"/api/audit?action=media.uploaded&subject={id}")).ReadJsonAsync();
        Assert.Equal(1, audit.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_file_that_is_not_an_image_is_a_400_problem()
    {
        var response = await UploadAsync(_editor, "%PDF-1.7 not a picture"u8.ToArray(), "report.pdf", "application/pdf");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("not an image", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
        var root = await _gateway.SignInAsync("root", "admin");
        Assert.Equal(0, (await (await root.GetAsync("/api/audit?action=media.uploaded")).ReadJsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_body_that_is_not_a_form_is_a_400_problem()
    {
        var response = await _editor.PostJsonAsync("/api/media", new { file = "base64?" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("multipart/form-data", (await response.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_image_over_the_configured_size_is_a_413_problem()
    {
        var big = TestImages.NoisePng(300, 300); // ~270 kB, the limit is 200 kB
        Assert.True(big.Length > 200_000);
        var response = await UploadAsync(_editor, big, "big.png", "image/png");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var detail = (await response.ReadJsonAsync()).GetProperty("detail").GetString();
        Assert.Contains("Gateway:Media:MaxBytes", detail);
    }

    [Fact]
    public async Task Reviewers_may_not_upload_and_strangers_may_not_read()
    {
        var reviewer = await _gateway.SignInAsync("rita", "reviewer");
        Assert.Equal(HttpStatusCode.Forbidden, (await UploadAsync(reviewer, TestImages.Png(), "a.png", "image/png")).StatusCode);
        var id = (await (await UploadAsync(_editor, TestImages.Png(), "a.png", "image/png")).ReadJsonAsync()).GetProperty("id").GetString()!;
        var anonymous = _gateway.ClientWithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/media/{id}")).StatusCode);
        var page = _gateway.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var bytes = await page.GetAsync($"/media/{id}");
        Assert.Equal(HttpStatusCode.Unauthorized, bytes.StatusCode);
        Assert.Equal("application/problem+json", bytes.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, (await _editor.GetAsync("/api/media/0123456789abcdef0123456789abcdef")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _editor.GetAsync("/api/media/..%2F..%2Fgateway.db")).StatusCode);
    }
}

/// <summary>Two nodes of one PostgreSQL cluster: an image uploaded through one is served and published by the other.</summary>
public sealed class MediaOnClusterTests
{
    [Fact]
    public async Task An_image_uploaded_through_one_node_is_served_by_another_with_its_own_data_directory()
    {
        var database = await PostgresServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Gateway:Database:Provider"] = "postgres", ["Gateway:Database:ConnectionString"] = database };
        using var a = new TestGateway(settings: settings);
        var editor = await a.SignInAsync("eve", "editor");
        var uploaded = await (await MediaApiTests.UploadAsync(editor, TestImages.PhoneJpeg())).ReadJsonAsync();
        var id = uploaded.GetProperty("id").GetString()!;

        using var b = new TestGateway(settings: settings);
        Assert.NotEqual(a.DataDir, b.DataDir);
        var reviewer = await b.SignInAsync("rita", "reviewer");
        var content = await reviewer.GetAsync($"/media/{id}");

        Assert.Equal(HttpStatusCode.OK, content.StatusCode);
        var bytes = await content.Content.ReadAsByteArrayAsync();
        Assert.Equal(uploaded.GetProperty("sha256").GetString(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
    }
}
