using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Gateway.Api;

/// <summary>
/// <c>Gateway:ForwardedHeaders</c>: the reverse proxies (TLS terminators, load balancers) whose <c>X-Forwarded-For</c>,
/// <c>-Proto</c> and <c>-Host</c> are believed. Unset, only a proxy on loopback is.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses of the proxies, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks the proxies are in, in CIDR notation, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}

/// <summary>
/// Behind a proxy the request's scheme and address are the client's, not the proxy's: the session cookie is
/// <c>Secure</c> when the client spoke TLS, and the sign-in limit counts per client.
/// </summary>
public static class ProxyHeaders
{
    public static void AddServices(IServiceCollection services, ForwardedHeadersSettings settings)
    {
        var proxies = settings.KnownProxies.Select(p => IPAddress.TryParse(p.Trim(), out var address)
            ? address
            : throw new ConfigurationProblem($"Gateway:ForwardedHeaders:KnownProxies: '{p}' is not an IP address.")).ToArray();
        var networks = settings.KnownNetworks.Select(n => System.Net.IPNetwork.TryParse(n.Trim(), out var network)
            ? network
            : throw new ConfigurationProblem($"Gateway:ForwardedHeaders:KnownNetworks: '{n}' is not a network like 10.0.0.0/24.")).ToArray();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            if (proxies.Length + networks.Length == 0)
            {
                return; // the framework's default: loopback
            }
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(proxy);
            }
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(network);
            }
        });
    }
}
