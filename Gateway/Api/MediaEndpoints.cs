using System.Security.Claims;
using Gateway.Auth;
using Gateway.Media;
using Microsoft.AspNetCore.Http.Features;

namespace Gateway.Api;

/// <summary>
/// <c>POST /api/media</c> (editors and admins), <c>GET /api/media/{id}</c> (its metadata) and <c>GET /media/{id}</c>
/// (its bytes, outside <c>/api</c> so the dashboard's session reaches it as well as a token). Reading is for every
/// signed-in role: reviewers must see what they approve.
/// </summary>
public static class MediaEndpoints
{
    // Room for the multipart boundaries and headers around the file itself.
    private const long FormOverhead = 64 * 1024;

    public sealed record MediaView(string Id, string Type, int Width, int Height, long Bytes, string Sha256, IReadOnlyList<string> Removed, DateTimeOffset CreatedAt)
    {
        public static MediaView Of(MediaItem m) => new(m.Id, m.Type, m.Width, m.Height, m.Bytes, m.Sha256, m.Removed, m.CreatedAt);
    }

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/media", UploadAsync).RequireAuthorization(Policies.Editor).DisableAntiforgery();
        app.MapGet("/api/media/{id}", async (string id, MediaStore store, CancellationToken ct) =>
            Results.Ok(MediaView.Of(await ExistingAsync(id, store, ct))));
        // Checked here rather than by the fallback policy: an <img> that is refused wants a 401, not the sign-in page.
        app.MapGet("/media/{id}", async (string id, MediaStore store, HttpContext context, CancellationToken ct) =>
        {
            if (context.User.Identity?.IsAuthenticated != true)
            {
                throw new ProblemException(StatusCodes.Status401Unauthorized, "Unauthorized", "Sign in to see the gateway's images.");
            }
            var item = await ExistingAsync(id, store, ct);
            context.Response.Headers.CacheControl = "private, max-age=31536000, immutable"; // content-addressed: never changes
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Results.File(await store.ReadAsync(item, ct), item.Type);
        }).AllowAnonymous();
    }

    private static async Task<IResult> UploadAsync(HttpRequest request, MediaStore store, GatewayOptions options, ClaimsPrincipal user, CancellationToken ct)
    {
        var form = await ReadFormAsync(request, store, options, ct);
        var file = form.Files.GetFile("file") ?? throw ProblemException.BadRequest("The form has no file in a field named 'file'.");
        var item = await store.UploadAsync(file, user.Identity!.Name!, ct);
        return Results.Created($"/api/media/{item.Id}", MediaView.Of(item));
    }

    /// <summary>An upload's multipart form, up to <c>Gateway:Media:MaxBytes</c> (this API's and the Mastodon proxy's).</summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, MediaStore store, GatewayOptions options, CancellationToken ct)
    {
        var max = options.Media.MaxBytes;
        if (request.ContentLength > max + FormOverhead)
        {
            throw store.TooLarge(request.ContentLength.Value, "upload");
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + FormOverhead; // a chunked upload without a length is cut off here
        }
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw ProblemException.BadRequest("Send the image as multipart/form-data in a field named 'file'.");
        }
        try
        {
            return await request.ReadFormAsync(ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw store.TooLarge(null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            throw ProblemException.BadRequest($"The multipart body could not be read ({e.Message}).");
        }
    }

    private static async Task<MediaItem> ExistingAsync(string id, MediaStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) ?? throw ProblemException.NotFound($"No media with id '{id}'.");
}
