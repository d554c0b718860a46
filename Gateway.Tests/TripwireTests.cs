using System.Net;
using Gateway.Freeze;
using Gateway.Rules;
using Gateway.Tests.Support;

namespace Gateway.Tests;

public sealed class TripwireTests
{
    private const string Rules = """
        tripwires:
          - id: brand-in-tragedy
            sensitivities: [tragedy, disaster]
            names-brand: true
            action: freeze
          - id: crisis-keywords
            keywords: [recall]
            action: alert
        brands:
          acme-de: [Acme, Acme GmbH]
        """;

    [Fact]
    public async Task A_tragedy_naming_the_brand_freezes_its_account_and_says_which_rule_did_it_and_an_admin_lifts_it()
    {
        using var gateway = new TestGateway(settings: new() { ["Gateway:RulesDir"] = RulesCopy.With(("tripwires.yml", Rules)) });
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme-de");
        await admin.CreateAccountAsync("other");

        await admin.PostJsonAsync("/api/trends", new { trends = new[] { new { tag = "Sommerfest", context = "Fun fair in Munich", sensitivity = "commercial" } } });
        Assert.Empty((await (await admin.GetAsync("/api/freeze")).ReadJsonAsync()).GetProperty("freezes").EnumerateArray());

        await admin.PostJsonAsync("/api/trends", new { trends = new[] { new { tag = "Explosion", context = "Explosion at the Acme GmbH plant in Leverkusen", sensitivity = "disaster" } } });
        var freeze = (await (await admin.GetAsync("/api/freeze")).ReadJsonAsync()).GetProperty("freezes").EnumerateArray().Single();
        Assert.Equal("brand-in-tragedy", freeze.GetProperty("rule").GetString());
        Assert.Equal("tripwire:brand-in-tragedy", freeze.GetProperty("by").GetString());
        Assert.Equal(["acme-de"], freeze.GetProperty("accounts").EnumerateArray().Select(a => a.GetString()!).ToArray());
        Assert.Contains("Tripwire brand-in-tragedy", freeze.GetProperty("reason").GetString());

        var lift = new HttpRequestMessage(HttpMethod.Delete, $"/api/freeze/{freeze.GetProperty("id").GetString()}") { Content = Support.Api.JsonContent(new { reason = "Not our plant: a namesake" }) };
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(lift)).StatusCode);
        Assert.False((await gateway.Service<FreezeStore>().GetAsync()).Freezes.Any());
    }

    [Fact]
    public async Task A_crisis_keyword_alerts_the_team_without_freezing()
    {
        using var gateway = new TestGateway(settings: new() { ["Gateway:RulesDir"] = RulesCopy.With(("tripwires.yml", Rules)) });
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.PostJsonAsync("/api/trends", new { trends = new[] { new { tag = "BabyFood", context = "Nationwide recall of baby food", sensitivity = "health" } } });
        Assert.Empty((await gateway.Service<FreezeStore>().GetAsync()).Freezes);
        var alerts = await (await admin.GetAsync("/api/audit?action=tripwire.alert")).ReadJsonAsync();
        var alert = alerts.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("tripwire:crisis-keywords", alert.GetProperty("actor").GetString());
    }

    [Theory]
    [InlineData("tripwires:\n  - id: x\n    action: explode\n    keywords: [a]\n", 3, 13, "freeze or alert")]
    [InlineData("tripwires:\n  - id: x\n    action: alert\n", 2, 5, "names-brand: true or keywords")]
    [InlineData("tripwires:\n  - id: x\n    action: alert\n    keyword: [a]\n", 4, 5, "unknown setting 'keyword'")]
    public void A_broken_tripwire_file_names_file_line_and_problem(string yaml, int line, int column, string problem)
    {
        var error = Assert.Throws<RuleFileException>(() => Tripwires.Load(RulesCopy.With(("tripwires.yml", yaml))));
        Assert.Equal((line, column), ((int)error.Line, (int)error.Column));
        Assert.Contains(problem, error.Problem);
    }
}
