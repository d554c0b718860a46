using System.Net.Http.Headers;

namespace Gateway.Rules.Links;

/// <summary>Why a request got no HTTP answer at all.</summary>
public enum FetchError
{
    None,

    /// <summary>The host name does not resolve.</summary>
    NameNotResolved,

    ConnectionRefused,

    /// <summary>The host resolves only to internal addresses; no connection was made.</summary>
    ForbiddenAddress,

    /// <summary>Any other failure below HTTP: TLS, reset, protocol error.</summary>
    Network,
}

/// <summary>One HTTP answer (or why there was none). <see cref="Body"/> is set only for HTML pages that were asked to be read.</summary>
public sealed record FetchResponse(
    int Status,
    string? Location = null,
    RetryConditionHeaderValue? RetryAfter = null,
    string? ContentType = null,
    string? Body = null,
    FetchError Error = FetchError.None,
    string? ErrorDetail = null)
{
    public static FetchResponse Failed(FetchError error, string detail) => new(0, Error: error, ErrorDetail: detail);

    public bool IsHtml => ContentType is { } type
        && (type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) || type.StartsWith("application/xhtml", StringComparison.OrdinalIgnoreCase));
}

/// <summary>
/// The network under the link check: one request, no redirects followed, no retries. Everything else (redirects,
/// HEAD→GET, retries, politeness, caching, classification) lives in <see cref="LinkProber"/> and <see cref="LinkCheck"/>,
/// which stay testable offline with a fake of this interface.
/// </summary>
public interface IUrlFetcher
{
    /// <summary>
    /// Sends <paramref name="method"/> to <paramref name="url"/>. Network failures come back as <see cref="FetchResponse.Error"/>;
    /// cancellation (the caller's timeout) is thrown.
    /// </summary>
    Task<FetchResponse> FetchAsync(HttpMethod method, Uri url, bool readBody, CancellationToken cancellationToken);
}
