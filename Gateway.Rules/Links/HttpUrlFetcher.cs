using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Gateway.Rules.Net;

namespace Gateway.Rules.Links;

/// <summary>
/// <see cref="IUrlFetcher"/> over HTTP through <see cref="AddressGuard"/>'s handler: every connection (so every
/// redirect hop) is checked on its resolved address, and the socket goes to the address that was checked.
/// </summary>
public sealed class HttpUrlFetcher : IUrlFetcher, IDisposable
{
    private readonly HttpClient _client;
    private readonly int _maxBytes;

    public HttpUrlFetcher(LinkRules rules, LinkCheckOptions options)
        : this(rules, options, HostDialer.Default)
    {
    }

    /// <param name="dialer">How names resolve and sockets connect; tests pass one that plays public hosts.</param>
    public HttpUrlFetcher(LinkRules rules, LinkCheckOptions options, HostDialer dialer)
    {
        _client = new HttpClient(AddressGuard.CreateHandler(options.AllowPrivateAddresses, dialer))
        {
            Timeout = Timeout.InfiniteTimeSpan, // the prober sets a timeout per attempt
        };
        _client.DefaultRequestHeaders.UserAgent.ParseAdd(rules.Settings.UserAgent);
        _client.DefaultRequestHeaders.Accept.ParseAdd("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8");
        _maxBytes = rules.Settings.MaxPageKilobytes * 1024;
    }

    public async Task<FetchResponse> FetchAsync(HttpMethod method, Uri url, bool readBody, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            var contentType = response.Content.Headers.ContentType;
            var answer = new FetchResponse(
                (int)response.StatusCode,
                response.Headers.Location?.OriginalString,
                response.Headers.RetryAfter,
                contentType?.MediaType);
            if (readBody && method == HttpMethod.Get && answer.IsHtml)
            {
                answer = answer with { Body = await ReadAsync(response.Content, contentType, cancellationToken) };
            }
            return answer;
        }
        catch (HttpRequestException e) when (AddressGuard.RefusalIn(e) is { } refusal)
        {
            return FetchResponse.Failed(FetchError.ForbiddenAddress, refusal.Message);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            return FetchResponse.Failed(Classify(e), Innermost(e).Message);
        }
    }

    private async Task<string> ReadAsync(HttpContent content, MediaTypeHeaderValue? type, CancellationToken cancellationToken)
    {
        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[_maxBytes];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken);
            if (n == 0)
            {
                break;
            }
            read += n;
        }
        Encoding encoding;
        try
        {
            encoding = type?.CharSet is { Length: > 0 } charset ? Encoding.GetEncoding(charset.Trim('"')) : Encoding.UTF8;
        }
        catch (ArgumentException)
        {
            encoding = Encoding.UTF8;
        }
        return encoding.GetString(buffer, 0, read);
    }

    private static FetchError Classify(HttpRequestException e)
    {
        if (e.HttpRequestError == HttpRequestError.NameResolutionError)
        {
            return FetchError.NameNotResolved;
        }
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => FetchError.NameNotResolved,
                    SocketError.ConnectionRefused => FetchError.ConnectionRefused,
                    _ => FetchError.Network,
                };
            }
        }
        return FetchError.Network;
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }
        return e;
    }

    public void Dispose() => _client.Dispose();
}
