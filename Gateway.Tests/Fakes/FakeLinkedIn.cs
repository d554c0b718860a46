using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Tests.Fakes;

/// <summary>
/// LinkedIn's versioned REST API as learn.microsoft.com/linkedin describes it: <c>POST /rest/posts</c> with
/// <c>LinkedIn-Version: YYYYMM</c> and <c>X-Restli-Protocol-Version: 2.0.0</c>, every required field of a text post,
/// the author an organization the member administers (<c>w_organization_social</c>) or the member
/// (<c>w_member_social</c>), commentary read as little text (cut at the first unescaped reserved character, as LinkedIn
/// does), answered <c>201</c> with <c>x-restli-id</c>; <c>GET /rest/organizations/{id}</c>; <c>GET /v2/userinfo</c>;
/// Rest.li error bodies; 429 without a Retry-After (the limits are daily, reset at midnight UTC); 3-legged OAuth at
/// <c>/oauth/v2/authorization</c> and <c>/oauth/v2/accessToken</c> with the secret in the form and programmatic
/// refresh tokens that stay the same.
/// </summary>
public sealed partial class FakeLinkedIn : FakeNetwork
{
    public const string ClientId = "li-client-id";
    public const string ClientSecret = "li-client-secret";
    public const string Member = "hF7c2mQx9T";
    public const string MemberName = "Dana Reyes";
    public const string Organization = "2414183";
    public const string OrganizationName = "Acme Relief";

    private long _nextId = 7_200_000_000_000_000_000;

    private FakeLinkedIn() : base(new FakeOAuth(new FakeOAuth.Rules(
        ClientId, ClientSecret, SecretInForm: true, PkceRequired: false, RotatesRefresh: false, RefreshOn: null,
        AccessLifetime: TimeSpan.FromDays(60), RefreshLifetime: TimeSpan.FromDays(365),
        InvalidGrant: "Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired.")))
    {
        OAuth.ConsentAs = Member;
    }

    public static async Task<FakeLinkedIn> StartAsync()
    {
        var fake = new FakeLinkedIn();
        await fake.ListenAsync();
        return fake;
    }

    public static readonly string[] AllScopes = ["w_organization_social", "rw_organization_admin", "openid", "profile", "w_member_social"];

    public (string Access, string? Refresh) Token(TimeSpan? lifetime = null, bool refresh = false) => OAuth.Issue(Member, AllScopes, lifetime, refresh);

    public Dictionary<string, string?> Settings() => new()
    {
        ["Gateway:Publishing:LinkedIn:BaseUrl"] = Url,
        ["Gateway:Publishing:LinkedIn:OAuthUrl"] = Url + "/oauth/v2",
        ["Gateway:Publishing:LinkedIn:ClientId"] = ClientId,
        ["Gateway:Publishing:LinkedIn:ClientSecret"] = ClientSecret,
    };

    /// <summary>An image registered with initializeUpload: its owner, and the bytes once PUT to its upload URL.</summary>
    public sealed record Image(string Urn, string Owner, string UploadToken)
    {
        public byte[]? Bytes { get; set; }
    }

    public System.Collections.Concurrent.ConcurrentDictionary<string, Image> Images { get; } = new();

    /// <summary>The <c>content</c> of each post created, by its URN (absent: a text post).</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, JsonElement> Contents { get; } = new();

    // MultiImage API: 2 to 20 images; Images API: JPG, PNG, GIF.
    public const int MaxImages = 20;

    protected override void Map(WebApplication app)
    {
        OAuth.Map(app, "/oauth/v2/authorization", "/oauth/v2/accessToken");
        // Images API: POST /rest/images?action=initializeUpload {initializeUploadRequest: {owner}} → {value: {uploadUrl, image}}.
        app.MapPost("/rest/images", async (HttpContext context) =>
        {
            if (Refused(context, scope: null) is { } refused)
            {
                return refused;
            }
            if (context.Request.Query["action"] != "initializeUpload")
            {
                return Error(400, "Unsupported action: expected action=initializeUpload", "ILLEGAL_ARGUMENT");
            }
            if (await ReadJsonAsync(context.Request) is not { ValueKind: JsonValueKind.Object } body || Field(body, "/initializeUploadRequest/owner") is not { ValueKind: JsonValueKind.String } ownerNode)
            {
                return Validation("/initializeUploadRequest/owner", "field is required but not found and has no default value", "FIELD_REQUIRED");
            }
            var owner = ownerNode.GetString()!;
            if (!MayActAs(context, owner))
            {
                return Error(403, "Not enough permissions to access: images.ACTION.initializeUpload", "ACCESS_DENIED", 100);
            }
            var id = Interlocked.Increment(ref _nextId);
            var image = new Image($"urn:li:image:C4D10AQ{id}", owner, Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12)));
            Images[image.Urn] = image;
            return Results.Json(new { value = new { uploadUrlExpiresAt = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), uploadUrl = $"{Url}/dms-uploads/{image.UploadToken}", image = image.Urn } });
        });
        // The upload URL takes the raw bytes with the same bearer token.
        app.MapPut("/dms-uploads/{token}", async (string token, HttpContext context) =>
        {
            if (OAuth.Authenticate(context, "w_organization_social").Problem is { } problem and not "scope")
            {
                return Unauthorized(problem);
            }
            if (Images.Values.FirstOrDefault(i => i.UploadToken == token) is not { } image)
            {
                return Error(404, "Upload URL not found or expired");
            }
            using var bytes = new MemoryStream();
            await context.Request.Body.CopyToAsync(bytes);
            image.Bytes = bytes.ToArray();
            return Results.StatusCode(201);
        });
        app.MapPost("/rest/posts", async (HttpContext context) =>
        {
            if (Refused(context, scope: null) is { } refused)
            {
                return refused;
            }
            var trouble = NextTrouble();
            if (trouble == Trouble.RateLimited)
            {
                return Error(429, "Resource level throttle APPLICATION DAY limit for calls to this resource is reached.", "TOO_MANY_REQUESTS", 101);
            }
            if (trouble == Trouble.Revoked)
            {
                return Error(401, "The token used in the request has been revoked by the user", "REVOKED_ACCESS_TOKEN", 65601);
            }
            if (await BeforeCreateAsync(trouble, context))
            {
                return Results.Empty;
            }
            if (!(context.Request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) ?? false))
            {
                return Error(415, "Unsupported Media Type: expected application/json");
            }
            if (await ReadJsonAsync(context.Request) is not { ValueKind: JsonValueKind.Object } body)
            {
                return Error(400, "Unable to parse the request body as JSON.");
            }
            foreach (var (path, check) in Required)
            {
                if (Field(body, path) is not { } value)
                {
                    return Validation(path, "field is required but not found and has no default value", "FIELD_REQUIRED");
                }
                if (!check(value))
                {
                    return Validation(path, $"value {value.GetRawText()} is not valid here", "INVALID_VALUE");
                }
            }
            var author = body.GetProperty("author").GetString()!;
            if (!MayActAs(context, author))
            {
                return Error(403, $"Not enough permissions to access: partnerApiPostsExternal.CREATE.{context.Request.Headers["LinkedIn-Version"]}", "ACCESS_DENIED", 100);
            }
            if (trouble == Trouble.Invalid)
            {
                return Validation("/commentary", "Commentary is not valid: it contains a link that is not allowed", "INVALID_VALUE");
            }
            if (body.TryGetProperty("content", out var content) && ContentProblem(content, author) is { } contentProblem)
            {
                return contentProblem;
            }
            var shown = Shown(body.GetProperty("commentary").GetString()!);
            if (Posts.FirstOrDefault(p => p.Author == author && p.Text == shown) is { } earlier)
            {
                return Error(422, $"Content is a duplicate of {earlier.Id}", "DUPLICATE_POST");
            }
            var urn = $"urn:li:share:{Interlocked.Increment(ref _nextId)}";
            if (body.TryGetProperty("content", out var kept))
            {
                Contents[urn] = kept.Clone();
            }
            Posts.Enqueue(new FakePost(urn, author, shown, context.Connection.Id));
            if (await AfterCreateAsync(trouble, context, new { status = 503, message = "Service Unavailable" }))
            {
                return Results.Empty;
            }
            context.Response.Headers["x-restli-id"] = urn;
            return Results.StatusCode(201);
        });
        app.MapGet("/rest/organizations/{id}", (string id, HttpContext context) =>
        {
            if (Refused(context, "rw_organization_admin") is { } refused)
            {
                return refused;
            }
            return id == Organization
                ? Results.Json(new { id = long.Parse(id), localizedName = OrganizationName, vanityName = "acme-relief" })
                : Error(404, $"Organization {id} does not exist", "NOT_FOUND");
        });
        app.MapGet("/v2/userinfo", (HttpContext context) =>
        {
            var (token, problem) = OAuth.Authenticate(context, "profile");
            if (problem is not null)
            {
                return problem == "scope" ? Error(403, "Not enough permissions to access: userinfo.GET.NO_VERSION", "ACCESS_DENIED", 100) : Unauthorized(problem);
            }
            return Results.Json(new { sub = token!.Subject, name = MemberName, given_name = "Dana", family_name = "Reyes", email_verified = true });
        });
    }

    private static readonly (string Path, Func<JsonElement, bool> Check)[] Required =
    [
        ("/author", v => v.ValueKind == JsonValueKind.String && AuthorPattern().IsMatch(v.GetString()!)),
        ("/commentary", v => v.ValueKind == JsonValueKind.String && v.GetString()!.Length is > 0 and <= 3000),
        ("/visibility", v => v.ValueKind == JsonValueKind.String && v.GetString() is "PUBLIC" or "CONNECTIONS" or "LOGGED_IN"),
        ("/distribution", v => v.ValueKind == JsonValueKind.Object),
        ("/distribution/feedDistribution", v => v.ValueKind == JsonValueKind.String && v.GetString() is "MAIN_FEED" or "NONE"),
        ("/distribution/targetEntities", v => v.ValueKind == JsonValueKind.Array),
        ("/distribution/thirdPartyDistributionChannels", v => v.ValueKind == JsonValueKind.Array),
        ("/lifecycleState", v => v.ValueKind == JsonValueKind.String && v.GetString() == "PUBLISHED"),
        ("/isReshareDisabledByAuthor", v => v.ValueKind is JsonValueKind.True or JsonValueKind.False),
    ];

    /// <summary>The versioned-API headers, then the token. Null when the request may go on.</summary>
    private IResult? Refused(HttpContext context, string? scope)
    {
        var version = context.Request.Headers["LinkedIn-Version"].ToString();
        if (version.Length == 0)
        {
            return Error(400, "A version must be present. Please specify a version by adding the LinkedIn-Version header.", "VERSION_MISSING");
        }
        if (!VersionPattern().IsMatch(version) || string.CompareOrdinal(version, "202401") < 0)
        {
            return Error(426, $"Requested version {version} is not active", "NONEXISTENT_VERSION");
        }
        if (context.Request.Headers["X-Restli-Protocol-Version"] != "2.0.0")
        {
            return Error(400, "The Rest.li protocol version must be 2.0.0 for this resource (X-Restli-Protocol-Version header).");
        }
        var problem = OAuth.Authenticate(context, scope ?? "w_organization_social").Problem;
        return problem switch
        {
            null => null,
            "scope" when scope is null => null, // a member token may post as the member: checked against the author
            "scope" => Error(403, $"Not enough permissions to access: {context.Request.Path}", "ACCESS_DENIED", 100),
            _ => Unauthorized(problem),
        };
    }

    private bool MayActAs(HttpContext context, string author)
    {
        var token = OAuth.Authenticate(context, "w_organization_social").Token!;
        return author == $"urn:li:organization:{Organization}" && token.Scopes.Contains("w_organization_social") && token.Subject == Member
            || author == $"urn:li:person:{token.Subject}" && token.Scopes.Contains("w_member_social");
    }

    /// <summary>One image (<c>content.media</c>) or 2 to 20 (<c>content.multiImage.images</c>), each uploaded, by the author.</summary>
    private IResult? ContentProblem(JsonElement content, string author)
    {
        JsonElement[] images;
        string path;
        if (content.TryGetProperty("media", out var media))
        {
            (images, path) = ([media], "/content/media");
        }
        else if (Field(content, "/multiImage/images") is { ValueKind: JsonValueKind.Array } list)
        {
            (images, path) = (list.EnumerateArray().ToArray(), "/content/multiImage/images");
            if (images.Length is < 2 or > MaxImages)
            {
                return Validation(path, $"a MultiImage post has 2 to {MaxImages} images, not {images.Length}", "INVALID_VALUE");
            }
        }
        else
        {
            return Validation("/content", "content must be media or multiImage", "INVALID_VALUE");
        }
        foreach (var image in images)
        {
            var urn = image.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : "";
            if (!Images.TryGetValue(urn, out var uploaded) || uploaded.Bytes is null)
            {
                return Validation(path + "/id", $"{urn} is not an uploaded image", "INVALID_VALUE");
            }
            if (uploaded.Owner != author)
            {
                return Error(403, $"{urn} is owned by {uploaded.Owner}, not {author}", "ACCESS_DENIED", 100);
            }
        }
        return null;
    }

    private static IResult Unauthorized(string problem) => problem == "expired"
        ? Error(401, "The token used in the request has expired", "EXPIRED_ACCESS_TOKEN", 65601)
        : Error(401, "Invalid access token", "INVALID_ACCESS_TOKEN", 65600);

    private static IResult Error(int status, string message, string? code = null, int? serviceErrorCode = null)
    {
        var body = new Dictionary<string, object> { ["status"] = status, ["message"] = message };
        if (code is not null)
        {
            body["code"] = code;
        }
        if (serviceErrorCode is not null)
        {
            body["serviceErrorCode"] = serviceErrorCode;
        }
        return Results.Json(body, statusCode: status);
    }

    private static IResult Validation(string path, string description, string code) =>
        Results.Json(new
        {
            errorDetailType = "com.linkedin.common.error.BadRequest",
            message = $"ERROR :: {path} :: {description}\n",
            errorDetails = new { inputErrors = new[] { new { description, input = new { inputPath = new { fieldPath = path } }, code } } },
            status = 422,
        }, statusCode: 422);

    private static JsonElement? Field(JsonElement body, string path)
    {
        var current = body;
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out current))
            {
                return null;
            }
        }
        return current;
    }

    /// <summary>
    /// The text LinkedIn shows for little-text commentary: escapes undone, hashtags kept, and everything from the first
    /// unescaped reserved character on lost, as LinkedIn silently does.
    /// </summary>
    public static string Shown(string commentary)
    {
        var shown = new StringBuilder();
        for (var i = 0; i < commentary.Length; i++)
        {
            var c = commentary[i];
            if (c == '\\' && i + 1 < commentary.Length)
            {
                shown.Append(commentary[++i]);
            }
            else if (c == '#' && i + 1 < commentary.Length && char.IsLetterOrDigit(commentary, i + 1))
            {
                shown.Append(c);
            }
            else if (@"\|{}@[]()<>#*_~".Contains(c))
            {
                break;
            }
            else
            {
                shown.Append(c);
            }
        }
        return shown.ToString();
    }

    [GeneratedRegex("^urn:li:(organization:[0-9]+|person:[A-Za-z0-9_-]+)$")]
    private static partial Regex AuthorPattern();

    [GeneratedRegex("^20[0-9]{2}(0[1-9]|1[0-2])$")]
    private static partial Regex VersionPattern();
}
