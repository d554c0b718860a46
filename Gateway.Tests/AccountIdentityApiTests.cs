using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>An account's handle, names, phone region, own numbers and e-mail domains over the API, and what the checks make of them.</summary>
public sealed class AccountIdentityApiTests : IAsyncLifetime
{
    private readonly TestGateway _gateway = new();
    private HttpClient _admin = null!;

    public async Task InitializeAsync() => _admin = await _gateway.SignInAsync("root", "admin");

    public Task DisposeAsync()
    {
        _gateway.Dispose();
        return Task.CompletedTask;
    }

    private static object Account(string id, string language = "en", object? handle = null, object? names = null, object? region = null,
        object? phones = null, object? domains = null) =>
        new { id, network = "x", kind = "brand", language, editors = Array.Empty<string>(), handle, names, region, phones, domains };

    [Fact]
    public async Task The_fields_are_stored_normalised_and_shown()
    {
        var created = await _admin.PostJsonAsync("/api/accounts", Account("acme-de", "de", "@Acme_DE", new[] { " Acme  Deutschland ", "AcmeGo", "acmego" },
            null, new[] { "030 12345678", "+49 800 1234567" }, new[] { "@Acme.DE" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var shown = (await (await _admin.GetAsync("/api/accounts")).ReadJsonAsync()).EnumerateArray().Single(a => a.GetProperty("id").GetString() == "acme-de");
        Assert.Equal("Acme_DE", Optional(shown, "handle"));
        Assert.Equal(["Acme Deutschland", "AcmeGo"], Strings(shown, "names"));
        Assert.Null(Optional(shown, "region"));
        Assert.Equal(["+493012345678", "+498001234567"], Strings(shown, "phones"));
        Assert.Equal(["acme.de"], Strings(shown, "domains"));
    }

    [Fact]
    public async Task Put_replaces_the_fields_and_leaving_them_out_clears_them()
    {
        await _admin.PostJsonAsync("/api/accounts", Account("acme", handle: "acme", names: new[] { "Acme" }, region: "ie", phones: new[] { "01 234 5678" }));
        var one = await (await _admin.GetAsync("/api/accounts/acme")).ReadJsonAsync();
        Assert.Equal(("IE", "+35312345678"), (Optional(one, "region"), Strings(one, "phones").Single()));

        Assert.Equal(HttpStatusCode.OK, (await _admin.PutAsJsonAsync("/api/accounts/acme", Account("acme"), Json.Options)).StatusCode);
        var cleared = await (await _admin.GetAsync("/api/accounts/acme")).ReadJsonAsync();
        Assert.Null(Optional(cleared, "handle"));
        Assert.Empty(Strings(cleared, "names"));
        Assert.Empty(Strings(cleared, "phones"));
    }

    public static TheoryData<string, string> BadFields() => new()
    {
        { """ "handle":"acme de" """, "handle" },
        { """ "handle":"@@acme" """, "handle" },
        { """ "handle":"acme/de" """, "handle" },
        { $$""" "handle":"{{new string('a', 65)}}" """, "handle" },
        { $$""" "names":[{{string.Join(',', Enumerable.Range(1, 21).Select(i => $"\"Brand {i}\""))}}] """, "names" },
        { """ "names":["A"] """, "names" },
        { """ "names":["1234"] """, "names" },
        { $$""" "names":["{{new string('b', 65)}}"] """, "names" },
        { """ "names":[null] """, "names" },
        { """ "region":"XX" """, "region" },
        { """ "region":"GER" """, "region" },
        { """ "phones":["12"] """, "phones" },
        { """ "phones":["call us"] """, "phones" },
        { """ "phones":["0151 23456789"] """, "phones" }, // a German mobile, but the account reads numbers in GB
        { """ "domains":["acme"] """, "domains" },
        { """ "domains":["acme .com"] """, "domains" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public async Task A_bad_field_is_a_400_problem_naming_it_and_nothing_is_created(string field, string name)
    {
        var json = $$"""{"id":"bad","network":"x","kind":"brand","language":"en","editors":[],{{field}}}""";
        var response = await _admin.PostAsync("/api/accounts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.Contains($"'{name}'", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _admin.GetAsync("/api/accounts/bad")).StatusCode);
    }

    [Fact]
    public async Task A_post_naming_another_account_is_sent_to_review_and_a_rename_applies_at_once()
    {
        await _admin.PostJsonAsync("/api/accounts", Account("acme", handle: "acme", names: new[] { "Acme" }));
        await _admin.PostJsonAsync("/api/accounts", Account("acme-de", "de", handle: "acme_de", names: new[] { "Acme Deutschland" }));

        var finding = (await CheckAsync("acme", "Neu bei Acme Deutschland: der Katalog!")).Single(f => f.GetProperty("rule").GetString() == "account.wrong-account");
        Assert.Equal("review", finding.GetProperty("severity").GetString());
        Assert.Contains("did you mean acme-de (@acme_de)?", finding.GetProperty("message").GetString());
        Assert.DoesNotContain(await CheckAsync("acme-de", "Neu bei Acme Deutschland: der Katalog!"), f => f.GetProperty("rule").GetString() == "account.wrong-account");

        await _admin.PutAsJsonAsync("/api/accounts/acme-de", Account("acme-de", "de", handle: "acme_de", names: new[] { "Acme Germany" }), Json.Options);
        Assert.DoesNotContain(await CheckAsync("acme", "Neu bei Acme Deutschland: der Katalog!"), f => f.GetProperty("rule").GetString() == "account.wrong-account");
        Assert.Contains(await CheckAsync("acme", "Acme Germany is live"), f => f.GetProperty("rule").GetString() == "account.wrong-account");
    }

    [Fact]
    public async Task The_accounts_own_number_and_domain_are_quiet_in_its_posts()
    {
        await _admin.PostJsonAsync("/api/accounts", Account("acme-nb", "nb", phones: new[] { "912 34 567" }, domains: new[] { "acme.no" }));

        var own = await CheckAsync("acme-nb", "Ring oss på 912 34 567 eller skriv til ola.nordmann@acme.no.");
        Assert.DoesNotContain(own, f => f.GetProperty("rule").GetString() == "privacy.phone");
        Assert.Equal("info", own.Single(f => f.GetProperty("rule").GetString() == "privacy.email").GetProperty("severity").GetString());
        var other = await CheckAsync("acme-nb", "Ring Kari på 987 65 432.");
        Assert.Equal("review", other.Single(f => f.GetProperty("rule").GetString() == "privacy.phone").GetProperty("severity").GetString());
    }

    private async Task<JsonElement[]> CheckAsync(string account, string body)
    {
        var response = await _admin.PostJsonAsync("/api/check", new { account, body, scheduledAt = DateTimeOffset.UtcNow.AddDays(1).ToString("O") });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. (await response.ReadJsonAsync()).GetProperty("findings").EnumerateArray()];
    }

    // The API leaves out properties that are null.
    private static string? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static string[] Strings(JsonElement element, string name) =>
        [.. element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!)];
}
