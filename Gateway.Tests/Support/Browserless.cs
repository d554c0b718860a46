using System.Net;
using HtmlAgilityPack;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Gateway.Tests.Support;

/// <summary>
/// A browser without the browser, for the dashboard's pages: keeps cookies, never follows redirects (so a test
/// sees where it was sent), and posts forms the way a page would, with the antiforgery token taken from the page.
/// </summary>
public sealed class WebSession : IDisposable
{
    public const string AntiforgeryField = "__RequestVerificationToken";

    private WebSession(HttpClient client) => Client = client;

    /// <summary>The underlying client: cookies kept, redirects not followed.</summary>
    public HttpClient Client { get; }

    /// <summary>A session that has not signed in.</summary>
    public static WebSession Anonymous(TestGateway gateway) =>
        new(gateway.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }));

    /// <summary>Signs in on <c>/signin</c> with a token, as a person would; fails the test if the gateway refuses.</summary>
    public static Task<WebSession> SignInAsync(TestGateway gateway, string token) => SignInAsync(Anonymous(gateway), token);

    /// <summary>
    /// Signs in over real HTTP to a gateway serving on <paramref name="baseUrl"/> (Kestrel on loopback), where the
    /// factory's client would follow redirects.
    /// </summary>
    public static Task<WebSession> SignInAsync(Uri baseUrl, string token) =>
        SignInAsync(new WebSession(new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new() }) { BaseAddress = baseUrl }), token);

    private static async Task<WebSession> SignInAsync(WebSession session, string token)
    {
        var response = await session.TrySignInAsync(token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in answered {(int)response.StatusCode}: {body}");
        return session;
    }

    /// <summary>Creates a user directly in the store and signs in as them.</summary>
    public static async Task<WebSession> SignInAsync(TestGateway gateway, string name, string role)
    {
        var (_, token) = await gateway.Service<Gateway.Users.UserStore>().CreateAsync(name, role, "test");
        return await SignInAsync(gateway, token);
    }

    /// <summary>Posts the sign-in form and returns the answer as it is (302 on success, 401 with the page otherwise).</summary>
    public Task<HttpResponseMessage> TrySignInAsync(string token) =>
        PostFormAsync("/signin", [new("token", token)]);

    public Task<HttpResponseMessage> GetAsync(string path) => Client.GetAsync(path);

    /// <summary>GETs a page, asserts 200, returns its HTML.</summary>
    public async Task<string> GetHtmlAsync(string path)
    {
        var response = await Client.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET {path} answered {(int)response.StatusCode} {response.Headers.Location}: {Shorten(html)}");
        return html;
    }

    /// <summary>
    /// Posts a form to <paramref name="path"/> (which may carry <c>?handler=…</c>) with the antiforgery token read from
    /// <paramref name="formPage"/>, by default the same path without its query string.
    /// </summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<KeyValuePair<string, string>> fields, string? formPage = null)
    {
        var source = formPage ?? path.Split('?')[0];
        var page = await Client.GetAsync(source);
        var html = await page.Content.ReadAsStringAsync();
        var token = AntiforgeryToken(html)
            ?? throw new InvalidOperationException($"GET {source} ({(int)page.StatusCode}) has no {AntiforgeryField} field: {Shorten(html)}");
        return await PostFormWithoutTokenAsync(path, [.. fields, new(AntiforgeryField, token)]);
    }

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        PostFormAsync(path, fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    /// <summary>Posts exactly the given fields: for showing what happens to a request that did not come from a page.</summary>
    public Task<HttpResponseMessage> PostFormWithoutTokenAsync(string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        Client.PostAsync(path, new FormUrlEncodedContent(fields));

    /// <summary>The value of the first hidden antiforgery input in a page, or null.</summary>
    public static string? AntiforgeryToken(string html) =>
        Parse(html).DocumentNode.SelectSingleNode($"//input[@name='{AntiforgeryField}']")?.GetAttributeValue("value", null!) is { } value
            ? HtmlEntity.DeEntitize(value)
            : null;

    public static HtmlDocument Parse(string html)
    {
        var document = new HtmlDocument();
        document.LoadHtml(html);
        return document;
    }

    /// <summary>The decoded text of every element matching an XPath expression.</summary>
    public static IReadOnlyList<string> Texts(string html, string xpath) =>
        Parse(html).DocumentNode.SelectNodes(xpath)?.Select(n => HtmlEntity.DeEntitize(n.InnerText).Trim()).ToArray() ?? [];

    /// <summary>The decoded <c>href</c> of the first link whose text is <paramref name="text"/>, or null.</summary>
    public static string? LinkHref(string html, string text) =>
        Parse(html).DocumentNode.SelectNodes("//a[@href]")?
            .FirstOrDefault(a => HtmlEntity.DeEntitize(a.InnerText).Trim() == text)?
            .GetAttributeValue("href", null!) is { } href
            ? HtmlEntity.DeEntitize(href)
            : null;

    /// <summary>Where a redirect points, as a path with its query (relative even if the server sent it absolute).</summary>
    public static string? RedirectTarget(HttpResponseMessage response) =>
        response.Headers.Location is not { } location ? null
        : location.IsAbsoluteUri ? location.PathAndQuery
        : location.OriginalString;

    private static string Shorten(string text) => text.Length <= 2000 ? text : text[..2000] + "…";

    public void Dispose() => Client.Dispose();
}
