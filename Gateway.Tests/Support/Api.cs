using System.Net;
using System.Text.Json;

namespace Gateway.Tests.Support;

/// <summary>The few API calls most tests make, spelled once.</summary>
public static class Api
{
    public static async Task CreateAccountAsync(this HttpClient admin, string id, string network = "x", string[]? editors = null, object? publisher = null)
    {
        var response = await admin.PostJsonAsync("/api/accounts", new { id, network, kind = "brand", language = "en", editors = editors ?? [], publisher });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static async Task<JsonElement> SubmitAsync(this HttpClient editor, string account, string body, DateTimeOffset at)
    {
        var response = await editor.PostJsonAsync("/api/posts", new { account, body, scheduledAt = at.ToString("O") });
        var json = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"submit answered {response.StatusCode}: {json}");
        return json;
    }

    public static async Task<JsonElement> GetPostAsync(this HttpClient client, string id) =>
        await (await client.GetAsync($"/api/posts/{id}")).ReadJsonAsync();

    public static async Task<string> StatusAsync(this HttpClient client, string id) =>
        (await client.GetPostAsync(id)).GetProperty("status").GetString()!;

    public static Task<string> WaitForStatusAsync(this HttpClient client, string id, params string[] statuses) =>
        Eventually.WaitForAsync(() => client.StatusAsync(id), statuses.Contains, $"post {id} to become {string.Join("/", statuses)}");

    public static async Task<HttpResponseMessage> FreezeAsync(this HttpClient admin, string reason = "crisis drill") =>
        await admin.PostJsonAsync("/api/freeze", new { reason });

    public static async Task<JsonElement> UnfreezeAsync(this HttpClient admin, string reason = "all clear")
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, "/api/freeze") { Content = JsonContent(new { reason }) };
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    public static HttpContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body, options: Json.Options);

    public static string[] OutboxIds(this TestGateway gateway) =>
        File.Exists(gateway.OutboxPath)
            ? File.ReadAllLines(gateway.OutboxPath).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetString()!).ToArray()
            : [];
}
