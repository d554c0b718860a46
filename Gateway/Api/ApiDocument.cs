using System.Text.Json.Nodes;
using Gateway.Auth;
using Gateway.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Gateway.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> and its interactive reader at <c>/docs</c>, both open without a
/// token. The framework describes each endpoint from its handler; this adds what it cannot see: the bearer token,
/// the roles each endpoint needs, and the RFC 7807 problems every refusal comes as.
/// </summary>
public static class ApiDocument
{
    public const string Path = "/openapi/v1.json";
    public const string DocsPath = "/docs";
    public const string BearerScheme = "bearer";
    public const string RolesExtension = "x-required-roles";
    private const string ProblemSchema = "ProblemDetails";

    public static void AddServices(IServiceCollection services) => services.AddOpenApi(o =>
    {
        // Anonymous answers (a few handlers build one) are described in place; a component needs a name.
        o.CreateSchemaReferenceId = type => type.Type.Name.Contains("AnonymousType", StringComparison.Ordinal)
            ? null
            : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
        o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "CrisisGateway API",
                Version = "v1",
                Description = "Every outgoing post passes through here: submit, check, review, schedule, freeze. " +
                    "Send `Authorization: Bearer cg_…` (a token from `users add` or an admin); refusals are RFC 7807 problems.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "cg_ token",
                Description = "A user's API token; the user's role decides what it may do.",
            };
            return Task.CompletedTask;
        });
        // Request strings are read by a converter of the gateway's own (RequestJson), which hides their type from the
        // schema generator: they are still JSON strings.
        o.AddSchemaTransformer((schema, context, _) =>
        {
            if (context.JsonTypeInfo.Type == typeof(string) && schema.Type is null)
            {
                schema.Type = JsonSchemaType.String;
            }
            return Task.CompletedTask;
        });
        o.AddOperationTransformer(DescribeAsync);
        // Tags are per area (DescribeAsync); the framework's default one (the assembly's name) then tags nothing.
        o.AddDocumentTransformer((document, _, _) =>
        {
            var used = document.Paths.Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
                .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).ToHashSet();
            foreach (var unused in document.Tags?.Where(t => !used.Contains(t.Name)).ToArray() ?? [])
            {
                document.Tags!.Remove(unused);
            }
            return Task.CompletedTask;
        });
    });

    public static void Map(WebApplication app)
    {
        app.MapOpenApi(Path).AllowAnonymous().Add(endpoint =>
        {
            // The framework's handler also takes the document's name from the query; there is one document, so a
            // query can neither pick another nor turn the answer into a plain-text 404.
            var serve = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                context.Request.QueryString = QueryString.Empty;
                return serve(context);
            };
        });
        app.MapScalarApiReference(DocsPath, o =>
        {
            o.Title = "CrisisGateway API";
            o.OpenApiRoutePattern = Path;
            // The dashboard's policy allows scripts from the gateway only: a nonce per request lets the page's own in,
            // and the fonts, telemetry and AI agent it would fetch from elsewhere stay off.
            o.DynamicNonce = true;
            o.DefaultFonts = false;
            o.Telemetry = false;
            o.DisableAgent();
            o.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            o.AddPreferredSecuritySchemes([BearerScheme]);
        }).AllowAnonymous().Add(endpoint =>
        {
            var render = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                context.Response.OnStarting(() =>
                {
                    if (context.Items[ScalarOptions.NonceHttpContextItemKey] is string nonce)
                    {
                        context.Response.Headers.ContentSecurityPolicy =
                            $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                            "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
                    }
                    return Task.CompletedTask;
                });
                return render(context);
            };
        });
    }

    /// <summary>The roles an endpoint's policy lets in; empty for an endpoint open without a token.</summary>
    public static IReadOnlyList<string> Roles(IEnumerable<object> metadata)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return [];
        }
        // The fallback policy (signed in) covers endpoints that name none; the strictest named policy wins.
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToArray();
        return policies.Contains(Policies.Admin) ? [Role.Admin]
            : policies.Contains(Policies.Editor) ? [Role.Editor, Role.Admin]
            : policies.Contains(Policies.Reviewer) ? [Role.Reviewer, Role.Admin]
            : [Role.Editor, Role.Reviewer, Role.Admin];
    }

    private static async Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var roles = Roles(description.ActionDescriptor.EndpointMetadata);
        var path = "/" + (description.RelativePath ?? "");
        var tag = path.Split('/', StringSplitOptions.RemoveEmptyEntries) is ["api", var area, ..] ? area : "health";
        operation.Tags = new HashSet<OpenApiTagReference> { new(tag, context.Document) };

        var problems = new List<(int Status, string Why)>();
        if (roles.Count > 0)
        {
            var who = roles.Count == 3 ? "any signed-in user" : string.Join(" or ", roles);
            operation.Description = $"{operation.Description}{(operation.Description is null ? "" : "\n\n")}Roles: {who}.";
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[RolesExtension] = new JsonNodeExtension(new JsonArray([.. roles.Select(r => JsonValue.Create(r))]));
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] }];
            problems.Add((StatusCodes.Status401Unauthorized, "No token, or one that is revoked or whose user is disabled."));
            problems.Add((StatusCodes.Status403Forbidden, "The user's role may not do this."));
        }
        if (path.StartsWith("/api/", StringComparison.Ordinal))
        {
            problems.Add((StatusCodes.Status400BadRequest, "The request is not valid; the problem says which field and why."));
            if (path.Contains('{'))
            {
                problems.Add((StatusCodes.Status404NotFound, "Nothing has that id."));
            }
            if (description.HttpMethod is not "GET")
            {
                problems.Add((StatusCodes.Status409Conflict, "The state changed meanwhile, or does not allow this now."));
            }
            problems.Add((StatusCodes.Status429TooManyRequests, "Too many requests for this token; `Retry-After` says when to try again."));
        }
        if (problems.Count == 0)
        {
            return;
        }
        var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
        context.Document!.AddComponent(ProblemSchema, schema);
        operation.Responses ??= [];
        foreach (var (status, why) in problems)
        {
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Description = why,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            });
        }
    }
}
