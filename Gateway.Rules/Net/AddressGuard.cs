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
        (IPAddress.Parse("::"), 128),           // unspecified
        (IPAddress.Parse("::1"), 128),          // loopback
        (IPAddress.Parse("fc00::"), 7),         // unique local, including fd00:ec2::254
        (IPAddress.Parse("fe80::"), 10),        // link-local
        (IPAddress.Parse("ff00::"), 8),         // multicast
        (IPAddress.Parse("64:ff9b::"), 96),     // NAT64 can embed any IPv4 address
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

    /// <summary>An HTTP handler that refuses forbidden addresses unless <paramref name="allowPrivate"/> (tests, closed intranets).</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivate) => new()
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectCallback = async (context, cancellationToken) =>
        {
            var addresses = IPAddress.TryParse(context.DnsEndPoint.Host, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
            var allowed = allowPrivate ? addresses : addresses.Where(a => !IsForbidden(a)).ToArray();
            if (allowed.Length == 0)
            {
                throw new ForbiddenAddressException(context.DnsEndPoint.Host, addresses);
            }
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
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
