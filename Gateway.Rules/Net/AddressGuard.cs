using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Gateway.Rules.Net;

/// <summary>
/// Keeps server-side requests to user-written URLs out of the gateway's own network. The check runs inside
/// <see cref="SocketsHttpHandler.ConnectCallback"/>, on the resolved address of every connection (so on every
/// redirect hop), and the socket connects to the very address that was checked, so DNS rebinding cannot slip past.
/// </summary>
public static class AddressGuard
{
    private static readonly (IPAddress Network, int Prefix)[] Forbidden =
    [
        (IPAddress.Parse("0.0.0.0"), 8),        // "this" network, unspecified
        (IPAddress.Parse("10.0.0.0"), 8),       // private
        (IPAddress.Parse("100.64.0.0"), 10),    // carrier-grade NAT
        (IPAddress.Parse("127.0.0.0"), 8),      // loopback
        (IPAddress.Parse("169.254.0.0"), 16),   // link-local, including cloud metadata 169.254.169.254
        (IPAddress.Parse("172.16.0.0"), 12),    // private
        (IPAddress.Parse("192.0.0.0"), 24),     // IETF protocol assignments
        (IPAddress.Parse("192.168.0.0"), 16),   // private
        (IPAddress.Parse("198.18.0.0"), 15),    // benchmarking
        (IPAddress.Parse("224.0.0.0"), 4),      // multicast
        (IPAddress.Parse("240.0.0.0"), 4),      // reserved, broadcast
        (IPAddress.Parse("::"), 96),            // unspecified, loopback, IPv4-compatible (::a.b.c.d) forms
        (IPAddress.Parse("::ffff:0:0:0"), 96),  // IPv4-translated (SIIT) forms
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("fc00::"), 7),         // unique local, including fd00:ec2::254
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("ff00::"), 8),         // multicast
        (IPAddress.Parse("64:ff9b::"), 96),     // NAT64 can embed any IPv4 address
        (IPAddress.Parse("64:ff9b:1::"), 48),   // local-use NAT64 likewise
        (IPAddress.Parse("2002::"), 16),        // 6to4 likewise
    ];

    /// <summary>The refusal behind an exception, if that is what it was (the HTTP stack wraps it).</summary>
    public static ForbiddenAddressException? RefusalIn(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is ForbiddenAddressException refusal)
            {
                return refusal;
            }
        }
        return null;
    }

    public static bool IsForbidden(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        return Forbidden.Any(range => InRange(address, range.Network, range.Prefix));
    }

    /// <summary>The host of <paramref name="url"/> when it is a literal IP address that <see cref="IsForbidden"/> refuses.</summary>
    public static bool IsForbiddenLiteral(Uri url) => TryParseLiteral(url.IdnHost, out var literal) && IsForbidden(literal);

    /// <summary>
    /// The address a host names by itself, without DNS. <see cref="Uri"/> already turns integer, hex, octal and short forms
    /// (<c>2130706433</c>, <c>0x7f000001</c>, <c>127.1</c>) into dotted ones; a trailing dot (<c>127.0.0.1.</c>) it leaves
    /// as a name, but browsers still read an address there, and so does the guard.
    /// </summary>
    public static bool TryParseLiteral(string host, [NotNullWhen(true)] out IPAddress? address)
    {
        host = host.Trim('[', ']');
        return IPAddress.TryParse(host.EndsWith('.') ? host[..^1] : host, out address);
    }

    /// <summary>An HTTP handler that refuses forbidden addresses unless <paramref name="allowPrivate"/> (tests, closed intranets).</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate) => CreateHandler(allowPrivate, HostDialer.Default);

    /// <summary>
    /// As <see cref="CreateHandler(bool)"/>, resolving and connecting through <paramref name="dialer"/>. The guard itself
    /// stays here: whatever the dialer resolves is checked, and only the checked addresses are handed back to it.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate, HostDialer dialer) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = TryParseLiteral(context.DnsEndPoint.Host, out var literal)
                ? [literal]
                : await dialer.ResolveAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = allowPrivate ? addresses : addresses.Where(a => !IsForbidden(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new ForbiddenAddressException(context.DnsEndPoint.Host, addresses);
            }
            return await dialer.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
        },
    };

    private static bool InRange(IPAddress address, IPAddress network, int prefix)
    {
        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }
        var a = address.GetAddressBytes();
        var n = network.GetAddressBytes();
        for (var bit = 0; bit < prefix; bit += 8)
        {
            var take = Math.Min(8, prefix - bit);
            var mask = (byte)(0xFF << (8 - take));
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask))
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>A request that would have reached a private, loopback, link-local or otherwise internal address.</summary>
public sealed class ForbiddenAddressException(string host, IEnumerable<IPAddress> addresses)
    : HttpRequestException($"{host} resolves to an internal address ({string.Join(", ", addresses)}); the gateway does not connect there.")
{
    public string Host { get; } = host;
}

/// <summary>
/// How <see cref="AddressGuard"/>'s handler resolves names and opens sockets. Production uses <see cref="Default"/>
/// (system DNS, plain TCP); tests derive from it to play a "public" host without touching real DNS.
/// </summary>
public class HostDialer
{
    public static HostDialer Default { get; } = new();

    public virtual async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        await Dns.GetHostAddressesAsync(host, cancellationToken);

    /// <summary>Connects to one of <paramref name="addresses"/>, all of which the guard has already checked.</summary>
    public virtual async ValueTask<Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
