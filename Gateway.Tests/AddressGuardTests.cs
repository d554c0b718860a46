using System.Net;
using Gateway.Rules.Net;

namespace Gateway.Tests;

public sealed class AddressGuardTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.0.9")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::1")]
    [InlineData("ff02::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    public void Internal_addresses_are_forbidden(string address) =>
        Assert.True(AddressGuard.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::6810:85e5")]
    [InlineData("::ffff:8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(AddressGuard.IsForbidden(IPAddress.Parse(address)));

    [Theory]
    [InlineData("http://2130706433/", "127.0.0.1")]
    [InlineData("http://0x7f000001/", "127.0.0.1")]
    [InlineData("http://0x7f.1/", "127.0.0.1")]
    [InlineData("http://127.1/", "127.0.0.1")]
    [InlineData("http://0177.0.0.1/", "127.0.0.1")]
    [InlineData("http://017700000001/", "127.0.0.1")]
    [InlineData("http://127.0.0.1./", "127.0.0.1")]
    [InlineData("http://3232235777/", "192.168.1.1")]
    [InlineData("http://0xa9fea9fe/", "169.254.169.254")]
    [InlineData("http://[::ffff:7f00:1]/", "::ffff:127.0.0.1")]
    public void Integer_hex_octal_and_short_forms_name_the_address_they_stand_for(string url, string address)
    {
        var uri = new Uri(url);

        Assert.True(AddressGuard.TryParseLiteral(uri.IdnHost, out var literal));
        Assert.Equal(IPAddress.Parse(address), literal);
        Assert.True(AddressGuard.IsForbiddenLiteral(uri));
    }

    [Theory]
    [InlineData("http://1572394766/")]   // 93.184.215.14
    [InlineData("http://0x5db8d70e/")]   // the same
    [InlineData("http://localhost/")]    // a name: resolved and checked when connecting
    [InlineData("http://4294967296/")]   // past 32 bits: a name (that does not resolve), not an address
    public void Public_addresses_and_names_are_no_forbidden_literal(string url) =>
        Assert.False(AddressGuard.IsForbiddenLiteral(new Uri(url)));

    [Theory]
    [InlineData("http://127.0.0.1:9/")]
    [InlineData("http://localhost:9/")]
    [InlineData("http://[::1]:9/")]
    [InlineData("http://2130706433:9/")]
    [InlineData("http://0x7f000001:9/")]
    [InlineData("http://127.0.0.1.:9/")]
    public async Task The_handler_refuses_before_connecting(string url)
    {
        using var client = new HttpClient(AddressGuard.CreateHandler(allowPrivate: false));
        var error = await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync(url));
        Assert.Contains("internal address", AddressGuard.RefusalIn(error)?.Message);
    }
}
