using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gateway.Tests.Fakes;

/// <summary>
/// A Bluesky PDS on loopback, as far as the gateway uses one, answering as the atproto reference PDS does
/// (packages/pds, packages/xrpc-server): app-password sessions with JWT-shaped tokens it signs, expires and rotates;
/// handle resolution; <c>createRecord</c> checked against the <c>app.bsky.feed.post</c> lexicon, with the PDS's answer
/// to a record key that is taken (a bare 500: its repository tree throws); <c>getRecord</c>; errors as XRPC's
/// <c>{"error","message"}</c>. It can be told to fail like the real one.
/// </summary>
/// <remarks>
/// Stricter than the PDS in one place on purpose: a facet whose byte range leaves the text or splits a UTF-8 character
/// is refused (the PDS would store it and Bluesky would underline the wrong characters).
/// </remarks>
public sealed partial class FakeBluesky : IAsyncDisposable
{
    public const string Post = "app.bsky.feed.post";

    public enum Fault
    {
        None,

        /// <summary>500 before doing anything.</summary>
        ServerError,

        /// <summary>429 with the PDS's RateLimit-* headers, reset in <see cref="RateLimitReset"/>.</summary>
        RateLimited,

        /// <summary>Creates the record, then drops the connection without an answer.</summary>
        DropAfterCreating,

        /// <summary>Never answers and creates nothing (until the caller gives up).</summary>
        Hang,

        /// <summary>Creates the record, then never answers.</summary>
        HangAfterCreating,

        /// <summary>400 InvalidRequest, as the PDS refuses a record its lexicon does not allow; nothing created.</summary>
        Invalid,
    }

    public sealed record StoredRecord(string Uri, string Rkey, string Cid, JsonElement Value)
    {
        public string Text => Value.GetProperty("text").GetString()!;
    }

    private readonly WebApplication _app;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, StoredRecord> _records = new();

    /// <summary>A blob as uploadBlob received it, by CID.</summary>
    public sealed record Blob(string Cid, string MimeType, byte[] Bytes);

    public ConcurrentDictionary<string, Blob> Blobs { get; } = new();

    // app.bsky.embed.images: images maxLength 4; image: blob, accept image/*, maxSize 1000000.
    public const int MaxImages = 4;
    public const int MaxImageBytes = 1_000_000;
    private readonly ConcurrentDictionary<string, bool> _liveRefresh = new();
    private readonly Lock _repo = new();
    private readonly CancellationTokenSource _stopping = new();
    private long _accessValidFrom;
    private long _refreshValidFrom;

    private FakeBluesky(WebApplication app, string handle, string did, string appPassword)
    {
        _app = app;
        (Handle, Did, AppPassword) = (handle, did, appPassword);
        Handles[handle] = did;
    }

    public string Url => _app.Urls.First();

    public string Handle { get; }

    public string Did { get; }

    public string AppPassword { get; }

    /// <summary>What <c>resolveHandle</c> knows: the account's own handle and whatever the test adds.</summary>
    public ConcurrentDictionary<string, string> Handles { get; } = new(StringComparer.OrdinalIgnoreCase);

    public TimeSpan AccessLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>The fault for the n-th <c>createRecord</c> call (1-based).</summary>
    public Func<int, Fault> CreateRecordFault { get; set; } = _ => Fault.None;

    /// <summary>How far ahead a 429's <c>RateLimit-Reset</c> lies.</summary>
    public TimeSpan RateLimitReset { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The fault for the n-th <c>getRecord</c> call (1-based): <see cref="Fault.ServerError"/>, <see cref="Fault.RateLimited"/> or <see cref="Fault.Hang"/>.</summary>
    public Func<int, Fault> GetRecordFault { get; set; } = _ => Fault.None;

    /// <summary>Every access and refresh token handed out, to look for them where they must not be.</summary>
    public ConcurrentQueue<string> IssuedTokens { get; } = new();

    public IReadOnlyList<StoredRecord> Records => _records.Values.OrderBy(r => r.Rkey, StringComparer.Ordinal).ToArray();

    /// <summary>How often <paramref name="nsid"/> was called, however it was answered.</summary>
    public int Calls(string nsid) => _calls.GetValueOrDefault(nsid);

    /// <summary>Every access token issued so far is expired from now on (the refresh tokens still work).</summary>
    public void ExpireAccessTokens() => Interlocked.Exchange(ref _accessValidFrom, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1);

    /// <summary>Every token issued so far is expired, refresh tokens too: only the app password makes a new session.</summary>
    public void ExpireAllTokens()
    {
        ExpireAccessTokens();
        Interlocked.Exchange(ref _refreshValidFrom, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1);
    }

    public static async Task<FakeBluesky> StartAsync(string handle = "acme.bsky.social", string did = "did:plc:ewvi7nxzyoun6zhxrhs64oiz", string appPassword = "abcd-efgh-ijkl-mnop")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeBluesky(app, handle, did, appPassword);
        app.MapPost("/xrpc/com.atproto.server.createSession", (Delegate)fake.CreateSessionAsync);
        app.MapPost("/xrpc/com.atproto.server.refreshSession", fake.RefreshSession);
        app.MapGet("/xrpc/com.atproto.server.getSession", fake.GetSession);
        app.MapGet("/xrpc/com.atproto.identity.resolveHandle", fake.ResolveHandle);
        app.MapPost("/xrpc/com.atproto.repo.createRecord", fake.CreateRecordAsync);
        app.MapPost("/xrpc/com.atproto.repo.uploadBlob", (Delegate)fake.UploadBlobAsync);
        app.MapGet("/xrpc/com.atproto.repo.getRecord", fake.GetRecordAsync);
        app.MapGet("/xrpc/app.bsky.feed.searchPosts", fake.SearchPostsAsync);
        await app.StartAsync();
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.DisposeAsync();
    }

    private void Count(HttpContext context) => _calls.AddOrUpdate(context.Request.Path.Value!["/xrpc/".Length..], 1, (_, n) => n + 1);

    private static IResult Error(int status, string error, string message) =>
        Results.Json(new { error, message }, statusCode: status);

    // --- sessions

    private async Task<IResult> CreateSessionAsync(HttpContext context)
    {
        Count(context);
        if (await JsonBodyAsync(context) is not { } body)
        {
            return WrongEncoding(context);
        }
        if (Missing(body, "identifier", "password") is { } missing)
        {
            return missing;
        }
        var identifier = body["identifier"]!.GetValue<string>().TrimStart('@');
        var known = identifier.Equals(Handle, StringComparison.OrdinalIgnoreCase) || identifier == Did;
        if (!known || body["password"]!.GetValue<string>() != AppPassword)
        {
            return Error(401, "AuthenticationRequired", "Invalid identifier or password");
        }
        return Results.Json(Session());
    }

    private IResult RefreshSession(HttpContext context)
    {
        Count(context);
        if (Verify(context, "com.atproto.refresh") is { Error: { } refused })
        {
            return refused;
        }
        var jti = Claims(Bearer(context)!).GetProperty("jti").GetString()!;
        // Rotation: the refresh token works once (the PDS's grace period is left out).
        if (!_liveRefresh.TryRemove(jti, out _))
        {
            return Error(400, "ExpiredToken", "Token has been revoked");
        }
        return Results.Json(Session());
    }

    private IResult GetSession(HttpContext context)
    {
        Count(context);
        return Verify(context, "com.atproto.access") is { Error: { } refused }
            ? refused
            : Results.Json(new { handle = Handle, did = Did, active = true });
    }

    // iatMs is the fake's own claim: ExpireAccessTokens and ExpireAllTokens cut off tokens issued before a moment.
    private object Session()
    {
        var now = DateTimeOffset.UtcNow;
        var jti = Base64Url(RandomNumberGenerator.GetBytes(16));
        _liveRefresh[jti] = true;
        var access = Token("at+jwt", new { scope = "com.atproto.access", sub = Did, aud = "did:web:fake.pds", iat = now.ToUnixTimeSeconds(), iatMs = now.ToUnixTimeMilliseconds(), exp = (now + AccessLifetime).ToUnixTimeSeconds() });
        var refresh = Token("refresh+jwt", new { scope = "com.atproto.refresh", sub = Did, aud = "did:web:fake.pds", jti, iat = now.ToUnixTimeSeconds(), iatMs = now.ToUnixTimeMilliseconds(), exp = now.AddDays(90).ToUnixTimeSeconds() });
        IssuedTokens.Enqueue(access);
        IssuedTokens.Enqueue(refresh);
        return new { accessJwt = access, refreshJwt = refresh, handle = Handle, did = Did, active = true };
    }

    private string Token(string typ, object claims)
    {
        var unsigned = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { typ, alg = "HS256" })) + "." + Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        return unsigned + "." + Base64Url(HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(unsigned)));
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string? Bearer(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..] : null;
    }

    private static JsonElement Claims(string token) =>
        JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])).RootElement;

    /// <summary>The auth-verifier's checks and answers, in its order.</summary>
    private (IResult? Error, string? Did) Verify(HttpContext context, string scope)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return (Error(401, "AuthMissing", "Authentication Required"), null);
        }
        if (Bearer(context) is not { } token)
        {
            return (Error(400, "InvalidToken", "Unexpected authorization type"), null);
        }
        var parts = token.Split('.');
        if (parts.Length != 3 || !CryptographicOperations.FixedTimeEquals(
                System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]))))
        {
            return (Error(400, "InvalidToken", "Token could not be verified"), null);
        }
        var claims = Claims(token);
        var validFrom = scope == "com.atproto.access" ? Interlocked.Read(ref _accessValidFrom) : Interlocked.Read(ref _refreshValidFrom);
        var expired = claims.GetProperty("exp").GetInt64() <= DateTimeOffset.UtcNow.ToUnixTimeSeconds() || claims.GetProperty("iatMs").GetInt64() < validFrom;
        if (expired)
        {
            return (Error(400, "ExpiredToken", "Token has expired"), null);
        }
        if (claims.GetProperty("scope").GetString() != scope)
        {
            return (Error(400, "InvalidToken", "Bad token scope"), null);
        }
        return (null, claims.GetProperty("sub").GetString());
    }

    // --- identity

    private IResult ResolveHandle(HttpContext context)
    {
        Count(context);
        var handle = context.Request.Query["handle"].ToString();
        if (handle.Length == 0)
        {
            return Error(400, "InvalidRequest", "Params must have the property \"handle\"");
        }
        return Handles.TryGetValue(handle, out var did)
            ? Results.Json(new { did })
            : Error(400, "InvalidRequest", "Unable to resolve handle");
    }

    // --- records

    private async Task CreateRecordAsync(HttpContext context)
    {
        Count(context);
        var fault = CreateRecordFault(Calls("com.atproto.repo.createRecord"));
        if (await FailBeforeAsync(context, fault))
        {
            return;
        }
        var answer = await CreateAsync(context);
        if (fault == Fault.DropAfterCreating)
        {
            context.Abort();
            return;
        }
        if (fault == Fault.HangAfterCreating)
        {
            await HangAsync(context);
            return;
        }
        await answer.ExecuteAsync(context);
    }

    private async Task<IResult> CreateAsync(HttpContext context)
    {
        if (Verify(context, "com.atproto.access") is { Error: { } refused })
        {
            return refused;
        }
        if (await JsonBodyAsync(context) is not { } body)
        {
            return WrongEncoding(context);
        }
        if (Missing(body, "repo", "collection", "record") is { } missing)
        {
            return missing;
        }
        if (body["repo"]!.GetValue<string>() is var repo && repo != Did && !repo.Equals(Handle, StringComparison.OrdinalIgnoreCase))
        {
            return Error(401, "AuthenticationRequired", "Authentication Required");
        }
        var collection = body["collection"]!.GetValue<string>();
        if (collection != Post)
        {
            return Error(400, "InvalidRequest", $"this fake PDS knows only {Post}, not {collection}");
        }
        if (body["record"] is not JsonObject record)
        {
            return Error(400, "InvalidRequest", "Input/record must be an object");
        }
        if (record["$type"]?.GetValue<string>() is { } type && type != collection)
        {
            return Error(400, "InvalidRequest", $"Invalid $type: expected {collection}, got {type}");
        }
        var rkey = body["rkey"]?.GetValue<string>();
        if (rkey is not null && !Regex.IsMatch(rkey, "^[a-zA-Z0-9_~.:-]{1,512}$"))
        {
            return Error(400, "InvalidRequest", $"Invalid record key: {rkey}");
        }
        if (rkey is not null && !Regex.IsMatch(rkey, "^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$"))
        {
            return Error(400, "InvalidRequest", $"Invalid record key for {Post}: TID syntax not valid (regex)");
        }
        if ((PostProblem(record) ?? EmbedProblem(record)) is { } problem)
        {
            return Error(400, "InvalidRequest", $"Invalid {Post} record: {problem}");
        }
        rkey ??= Gateway.Publishing.Bluesky.BlueskyRecordKey.Encode((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000, 7);
        record["$type"] = collection;
        var value = JsonSerializer.SerializeToElement(record);
        var cid = "bafyrei" + Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(value)))[..52];
        var uri = $"at://{Did}/{collection}/{rkey}";
        lock (_repo)
        {
            if (_records.ContainsKey(rkey))
            {
                // MST.add: "There is already a value at key", a plain Error, which xrpc-server answers as a bare 500.
                return Error(500, "InternalServerError", "Internal Server Error");
            }
            _records[rkey] = new StoredRecord(uri, rkey, cid, value);
        }
        return Results.Json(new { uri, cid, commit = new { cid = "bafyreicommit" + rkey, rev = rkey }, validationStatus = "valid" });
    }

    // com.atproto.repo.uploadBlob: the raw bytes with their type; the blob is named by its content (CID).
    private async Task<IResult> UploadBlobAsync(HttpContext context)
    {
        Count(context);
        if (Verify(context, "com.atproto.access") is { Error: { } refused })
        {
            return refused;
        }
        var type = context.Request.ContentType;
        if (string.IsNullOrEmpty(type) || type.StartsWith("application/json", StringComparison.Ordinal))
        {
            return Error(400, "InvalidRequest", "Request encoding (Content-Type) required but not provided");
        }
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var bytes = buffer.ToArray();
        var cid = "bafkrei" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..52];
        Blobs[cid] = new Blob(cid, type, bytes);
        return Results.Json(new { blob = new Dictionary<string, object> { ["$type"] = "blob", ["ref"] = new Dictionary<string, string> { ["$link"] = cid }, ["mimeType"] = type, ["size"] = bytes.Length } });
    }

    /// <summary>The lexicon's checks of an <c>app.bsky.embed.images</c> embed, with the blobs it names uploaded.</summary>
    private string? EmbedProblem(JsonObject record)
    {
        if (record["embed"] is not { } embedNode)
        {
            return null;
        }
        if (embedNode is not JsonObject embed || embed["$type"]?.GetValue<string>() != "app.bsky.embed.images" || embed["images"] is not JsonArray images)
        {
            return "Record/embed must be an object which includes the \"$type\" property and images";
        }
        if (images.Count > MaxImages)
        {
            return $"Record/embed/images must not have more than {MaxImages} elements";
        }
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i] is not JsonObject image || image["alt"] is not JsonValue alt || !alt.TryGetValue<string>(out _))
            {
                return $"Record/embed/images/{i} must have the property \"alt\"";
            }
            var cid = (image["image"] as JsonObject)?["ref"]?["$link"]?.GetValue<string>();
            if (cid is null || !Blobs.TryGetValue(cid, out var blob))
            {
                return $"Record/embed/images/{i}/image could not find blob: {cid}";
            }
            if (!blob.MimeType.StartsWith("image/", StringComparison.Ordinal))
            {
                return $"Record/embed/images/{i}/image mime type ({blob.MimeType}) does not match accepted types: image/*";
            }
            if (blob.Bytes.Length > MaxImageBytes)
            {
                return $"Record/embed/images/{i}/image file too large. {MaxImageBytes} bytes maximum";
            }
            if (image["aspectRatio"] is JsonObject ratio && (ratio["width"]?.GetValue<int>() is not > 0 || ratio["height"]?.GetValue<int>() is not > 0))
            {
                return $"Record/embed/images/{i}/aspectRatio/width and height must be at least 1";
            }
        }
        return null;
    }

    private async Task GetRecordAsync(HttpContext context)
    {
        Count(context);
        if (await FailBeforeAsync(context, GetRecordFault(Calls("com.atproto.repo.getRecord"))))
        {
            return;
        }
        var query = context.Request.Query;
        foreach (var name in (string[])["repo", "collection", "rkey"])
        {
            if (string.IsNullOrEmpty(query[name]))
            {
                await Error(400, "InvalidRequest", $"Params must have the property \"{name}\"").ExecuteAsync(context);
                return;
            }
        }
        var repo = query["repo"].ToString();
        if (repo != Did && !repo.Equals(Handle, StringComparison.OrdinalIgnoreCase))
        {
            await Error(400, "InvalidRequest", "Could not locate record").ExecuteAsync(context);
            return;
        }
        var uri = $"at://{Did}/{query["collection"]}/{query["rkey"]}";
        var answer = query["collection"] == Post && _records.TryGetValue(query["rkey"].ToString(), out var found)
            ? Results.Json(new { uri = found.Uri, cid = found.Cid, value = found.Value })
            : Error(400, "RecordNotFound", $"Could not locate record: {uri}");
        await answer.ExecuteAsync(context);
    }

    private async Task<bool> FailBeforeAsync(HttpContext context, Fault fault)
    {
        switch (fault)
        {
            case Fault.ServerError:
                await Error(500, "InternalServerError", "Internal Server Error").ExecuteAsync(context);
                return true;
            case Fault.RateLimited:
                var reset = DateTimeOffset.UtcNow.Add(RateLimitReset).ToUnixTimeSeconds();
                context.Response.Headers["RateLimit-Limit"] = "5000";
                context.Response.Headers["RateLimit-Remaining"] = "0";
                context.Response.Headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["RateLimit-Policy"] = "5000;w=3600";
                await Error(429, "RateLimitExceeded", "Rate Limit Exceeded").ExecuteAsync(context);
                return true;
            case Fault.Hang:
                await HangAsync(context);
                return true;
            case Fault.Invalid:
                await Error(400, "InvalidRequest", $"Invalid {Post} record: Record/text must not be longer than 300 graphemes").ExecuteAsync(context);
                return true;
            default:
                return false;
        }
    }

    private async Task HangAsync(HttpContext context)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        try
        {
            await Task.Delay(Timeout.Infinite, either.Token);
        }
        catch (OperationCanceledException)
        {
            context.Abort();
        }
    }

    // --- the lexicon

    /// <summary>What app.bsky.feed.post (and app.bsky.richtext.facet) say is wrong with <paramref name="record"/>.</summary>
    private static string? PostProblem(JsonObject record)
    {
        if (record["text"] is not JsonValue textNode || !textNode.TryGetValue<string>(out var text))
        {
            return "Record must have the property \"text\"";
        }
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > 3000)
        {
            return "Record/text must not be longer than 3000 characters";
        }
        if (new StringInfo(text).LengthInTextElements > 300)
        {
            return "Record/text must not be longer than 300 graphemes";
        }
        if (record["createdAt"] is not JsonValue createdNode || !createdNode.TryGetValue<string>(out var createdAt))
        {
            return "Record must have the property \"createdAt\"";
        }
        if (!Regex.IsMatch(createdAt, @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
            || !DateTimeOffset.TryParse(createdAt, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            return "Record/createdAt must be an valid atproto datetime (both RFC-3339 and ISO-8601)";
        }
        if (record["langs"] is { } langs)
        {
            if (langs is not JsonArray list || list.Count > 3)
            {
                return "Record/langs must be an array of at most 3 items";
            }
            if (list.Any(l => l is not JsonValue v || !v.TryGetValue<string>(out var tag) || !Regex.IsMatch(tag, "^([a-zA-Z]{2,3}|i)(-[a-zA-Z0-9]{1,8})*$")))
            {
                return "Record/langs must be BCP-47 language tags";
            }
        }
        if (record["facets"] is not { } facets)
        {
            return null;
        }
        if (facets is not JsonArray array)
        {
            return "Record/facets must be an array";
        }
        for (var i = 0; i < array.Count; i++)
        {
            if (FacetProblem(array[i], bytes) is { } problem)
            {
                return $"Record/facets/{i}{problem}";
            }
        }
        return null;
    }

    private static string? FacetProblem(JsonNode? facet, byte[] text)
    {
        if (facet is not JsonObject f || f["index"] is not JsonObject index || f["features"] is not JsonArray features)
        {
            return " must have the properties \"index\" and \"features\"";
        }
        if (index["byteStart"] is not JsonValue s || !s.TryGetValue<int>(out var start) || index["byteEnd"] is not JsonValue e || !e.TryGetValue<int>(out var end))
        {
            return "/index must have integer \"byteStart\" and \"byteEnd\"";
        }
        if (start < 0 || end < 0)
        {
            return "/index/byteStart and byteEnd can not be less than 0";
        }
        // The fake's own checks (see the remarks).
        if (start >= end || end > text.Length)
        {
            return $"/index [{start}, {end}) is not a range within the text's {text.Length} UTF-8 bytes";
        }
        static bool Boundary(byte[] t, int at) => at == t.Length || (t[at] & 0xC0) != 0x80;
        if (!Boundary(text, start) || !Boundary(text, end))
        {
            return $"/index [{start}, {end}) splits a UTF-8 character";
        }
        foreach (var feature in features)
        {
            var ok = feature?["$type"]?.GetValue<string>() switch
            {
                "app.bsky.richtext.facet#link" => feature["uri"]?.GetValue<string>() is { } uri && Regex.IsMatch(uri, @"^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$"),
                "app.bsky.richtext.facet#mention" => feature["did"]?.GetValue<string>() is { } did && Regex.IsMatch(did, @"^did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]$"),
                "app.bsky.richtext.facet#tag" => feature["tag"]?.GetValue<string>() is { Length: > 0 } tag && Encoding.UTF8.GetByteCount(tag) <= 640 && new StringInfo(tag).LengthInTextElements <= 64,
                _ => false,
            };
            if (!ok)
            {
                return "/features has a feature that is not a valid #link, #mention or #tag";
            }
        }
        return null;
    }

    private static async Task<JsonObject?> JsonBodyAsync(HttpContext context)
    {
        if (context.Request.ContentType?.Split(';')[0].Trim() != "application/json")
        {
            return null;
        }
        try
        {
            return await JsonNode.ParseAsync(context.Request.Body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IResult WrongEncoding(HttpContext context) =>
        Error(400, "InvalidRequest", $"Wrong request encoding (Content-Type): {context.Request.ContentType}");

    private static IResult? Missing(JsonObject body, params string[] names) =>
        names.FirstOrDefault(n => body[n] is null) is { } name
            ? Error(400, "InvalidRequest", $"Input must have the property \"{name}\"")
            : names.FirstOrDefault(n => n is not "record" && (body[n] is not JsonValue v || !v.TryGetValue<string>(out _))) is { } wrong
                ? Error(400, "InvalidRequest", $"Input/{wrong} must be a string")
                : null;
}
