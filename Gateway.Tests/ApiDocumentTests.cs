using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Gateway.Tests;

/// <summary>The OpenAPI document describes every endpoint the app maps, and the docs page reads it without a token.</summary>
public sealed partial class ApiDocumentTests : IAsyncLifetime
{
    // Mapped, and not API operations: the document itself, the docs page and its files, the Prometheus scrape.
    private static readonly string[] NotOperations = ["/openapi/v1.json", "/docs/{documentName?}", "/docs/scalar.js", "/docs/scalar.aspnetcore.js", "/docs/favicon.svg", "/metrics"];

    /// <summary>
    /// The Mastodon-compatible proxy speaks Mastodon's API, which Mastodon documents (the README lists what the proxy
    /// takes): it is left out of the gateway's own document on purpose, and must never appear in it.
    /// </summary>
    private static bool MastodonProxy(string path) =>
        path.StartsWith("/api/v1/", StringComparison.Ordinal) || path.StartsWith("/api/v2/", StringComparison.Ordinal) || path.StartsWith("/oauth/", StringComparison.Ordinal);

    private readonly TestGateway _gateway = new();
    private string _text = "";
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        using var anonymous = _gateway.CreateClient();
        var response = await anonymous.GetAsync("/openapi/v1.json");
        _text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {_text}");
        _document = JsonDocument.Parse(_text).RootElement;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public void Every_endpoint_the_app_maps_is_in_the_document_with_its_method()
    {
        var mapped = new List<string>();
        foreach (var endpoint in _gateway.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            // A route constraint ({id:long}) is the server's business; the document names the parameter only.
            var path = Regex.Replace("/" + (endpoint.RoutePattern.RawText ?? "").Trim('/'), @"\{(\w+):[^}]*\}", "{$1}");
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is not null || NotOperations.Contains(path) || MastodonProxy(path))
            {
                continue;
            }
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["ANY"];
            mapped.AddRange(methods.Select(m => $"{m} {path}"));
        }
        Assert.True(mapped.Count > 30, $"only {mapped.Count} API endpoints found: {string.Join(", ", mapped)}");
        var described = _document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name.ToUpperInvariant()} {p.Name}"))
            .ToHashSet();
        var missing = mapped.Where(m => !described.Contains(m)).ToArray();
        Assert.True(missing.Length == 0, "Mapped but not in /openapi/v1.json: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_Mastodon_proxy_is_left_out_of_the_document_and_its_proxy_tokens_are_in_it()
    {
        var paths = _document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.DoesNotContain(paths, MastodonProxy);
        Assert.Contains("/api/accounts/{id}/proxy-tokens", paths);
    }

    [Fact]
    public void The_document_is_valid_OpenAPI()
    {
        var read = OpenApiDocument.Parse(_text, "json", new OpenApiReaderSettings());
        Assert.NotNull(read.Document);
        Assert.True(read.Diagnostic is null || read.Diagnostic.Errors.Count == 0,
            "Errors: " + string.Join("; ", read.Diagnostic?.Errors.Select(e => $"{e.Pointer}: {e.Message}") ?? []));
    }

    [Fact]
    public void The_bearer_scheme_is_declared_and_each_operation_says_who_may_call_it()
    {
        var bearer = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));

        // Written down by hand, as in the role matrix: not computed from the policies under test.
        Assert.Equal(["admin"], Roles("post", "/api/freeze"));
        Assert.Equal(["editor", "admin"], Roles("post", "/api/posts"));
        Assert.Equal(["reviewer", "admin"], Roles("get", "/api/reviews"));
        Assert.Equal(["editor", "reviewer", "admin"], Roles("get", "/api/me"));
        Assert.Contains("Roles: admin.", Operation("post", "/api/freeze").GetProperty("description").GetString());
        Assert.Equal("bearer", Operation("post", "/api/freeze").GetProperty("security")[0].EnumerateObject().Single().Name);

        foreach (var open in new[] { "/health", "/health/live", "/health/ready" })
        {
            Assert.False(Operation("get", open).TryGetProperty("security", out _), $"{open} asks for a token");
            Assert.False(Operation("get", open).TryGetProperty("x-required-roles", out _));
        }
    }

    [Fact]
    public void Bodies_answers_and_problems_have_schemas()
    {
        var submit = Operation("post", "/api/posts");
        Assert.Equal("#/components/schemas/SubmitPost", submit.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/Post", Schema(submit, "201", "application/json").GetProperty("$ref").GetString());
        var post = _document.GetProperty("components").GetProperty("schemas").GetProperty("Post");
        // The gateway reads strings with a converter of its own; they are still described as strings.
        var bodyType = post.GetProperty("properties").GetProperty("body").GetProperty("type");
        Assert.Contains("string", bodyType.ValueKind == JsonValueKind.Array ? bodyType.EnumerateArray().Select(t => t.GetString()) : [bodyType.GetString()]);
        var problem = _document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemDetails").GetProperty("properties");
        Assert.True(problem.TryGetProperty("detail", out _) && problem.TryGetProperty("status", out _));

        foreach (var path in _document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/", StringComparison.Ordinal)))
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                foreach (var status in new[] { "400", "401", "429" })
                {
                    Assert.Equal("#/components/schemas/ProblemDetails", Schema(operation.Value, status, "application/problem+json").GetProperty("$ref").GetString());
                }
            }
        }
        Assert.Equal("#/components/schemas/ProblemDetails", Schema(Operation("get", "/api/posts/{id}"), "404", "application/problem+json").GetProperty("$ref").GetString());
        Assert.Equal("#/components/schemas/HealthAnswer", Schema(Operation("get", "/health/ready"), "503", "application/json").GetProperty("$ref").GetString());
    }

    [Fact]
    public async Task The_docs_page_opens_without_a_token_and_its_scripts_carry_the_policy_nonce()
    {
        using var anonymous = _gateway.CreateClient();
        var page = await anonymous.GetAsync("/docs/");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", html);
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        var nonce = Nonce().Match(policy).Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(nonce), policy);
        var scripts = WebSession.Parse(html).DocumentNode.SelectNodes("//script")!;
        Assert.All(scripts, s => Assert.Equal(nonce, s.GetAttributeValue("nonce", "")));
        Assert.DoesNotContain("unsafe-inline", policy.Split(';').Single(d => d.Trim().StartsWith("script-src", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs/scalar.js")).StatusCode);
        // Elsewhere the dashboard's strict policy stands.
        Assert.Equal("script-src 'self'", (await anonymous.GetAsync("/signin")).Headers.GetValues("Content-Security-Policy").Single().Split(';')[1].Trim());
    }

    private JsonElement Operation(string method, string path) => _document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private string[] Roles(string method, string path) =>
        Operation(method, path).GetProperty("x-required-roles").EnumerateArray().Select(r => r.GetString()!).ToArray();

    private static JsonElement Schema(JsonElement operation, string status, string mediaType) =>
        operation.GetProperty("responses").GetProperty(status).GetProperty("content").GetProperty(mediaType).GetProperty("schema");

    [GeneratedRegex(@"'nonce-([^']+)'")]
    private static partial Regex Nonce();
}
