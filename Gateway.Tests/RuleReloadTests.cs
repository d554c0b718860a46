using System.Diagnostics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace Gateway.Tests;

/// <summary>A running gateway whose rule pack is broken by an edit keeps checking with its last good packs and says why.</summary>
public sealed class RuleReloadTests
{
    private const string Shooting = "We will never forget the school shooting.";

    [Fact]
    public async Task A_broken_pack_keeps_the_last_good_packs_and_shows_the_problem_until_it_is_fixed()
    {
        var rules = RulesCopy.With();
        var pack = Path.Combine(rules, "topics", "violence.yml");
        var original = File.ReadAllText(pack);
        var logs = new FakeLoggerProvider();
        using var gateway = new TestGateway(
            settings: new() { ["Gateway:RulesDir"] = rules },
            services: s => s.AddSingleton<ILoggerProvider>(logs),
            watchRules: true);
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme");
        using var page = await WebSession.SignInAsync(gateway, "ada", Role.Admin);
        using var editorPage = await WebSession.SignInAsync(gateway, "eve", Role.Editor);

        var healthy = await HealthAsync(gateway);
        Assert.False(healthy.TryGetProperty("error", out _));
        Assert.Equal(["topic.violence"], await RulesFoundAsync(admin));

        File.WriteAllText(pack, original.Replace("category: violence", "category: [violence", StringComparison.Ordinal));
        var line = Array.IndexOf(File.ReadAllLines(pack), "category: [violence") + 1;
        var shown = $"{Path.GetFileName(rules)}/topics/violence.yml:{line}:11: this '[' is never closed";
        var broken = await Eventually.WaitForAsync(() => HealthAsync(gateway), h => h.TryGetProperty("error", out _), "the reload error on /health");
        Assert.Equal(shown, broken.GetProperty("error").GetString());
        Assert.Equal(healthy.GetProperty("loadedAt").GetDateTimeOffset(), broken.GetProperty("loadedAt").GetDateTimeOffset());
        // Still answering, and still checking with the packs it had.
        Assert.Equal(["topic.violence"], await RulesFoundAsync(admin));
        Assert.Contains(logs.Collector.GetSnapshot(), r => r.Level == LogLevel.Error
            && r.Message.Contains($"{pack}:{line}:11: this '[' is never closed", StringComparison.Ordinal));

        // Admins see it on every page, as text; others do not.
        File.WriteAllText(pack, "<script>alert(1)</script>: x\n" + original);
        await Eventually.WaitForAsync(() => HealthAsync(gateway), h => h.GetProperty("error").GetString()!.Contains("<script>"), "the second error");
        var html = await page.GetHtmlAsync("/admin/users");
        Assert.Contains("id=\"rules-error\"", html);
        Assert.Contains(HtmlEncoder.Default.Encode($"{Path.GetFileName(rules)}/topics/violence.yml:1:1: unknown key '<script>alert(1)</script>'"), html);
        Assert.DoesNotContain("<script>alert", html);
        Assert.DoesNotContain("rules-error", await editorPage.GetHtmlAsync("/"));

        File.WriteAllText(pack, original.Replace("shooting spree", "shooting spree, kumquat", StringComparison.Ordinal));
        var fixedHealth = await Eventually.WaitForAsync(() => HealthAsync(gateway), h => !h.TryGetProperty("error", out _), "the error to clear");
        Assert.True(fixedHealth.GetProperty("loadedAt").GetDateTimeOffset() > healthy.GetProperty("loadedAt").GetDateTimeOffset());
        Assert.DoesNotContain("rules-error", await page.GetHtmlAsync("/admin/users"));
        Assert.Equal(["topic.violence"], await RulesFoundAsync(admin, "Kumquat season."));
    }

    [Theory]
    [InlineData("policy.yml", "approvals: 1", "approvals: [1", 12)]
    [InlineData("topics/violence.yml", "category: violence", "category: [violence", 11)]
    public async Task A_broken_rule_file_stops_the_start_with_one_line(string file, string find, string replace, int column)
    {
        var original = File.ReadAllText(Path.Combine(Paths.Rules, file));
        var rules = RulesCopy.With((file, original.Replace(find, replace, StringComparison.Ordinal)));
        var path = Path.Combine(rules, file);
        var line = Array.IndexOf(File.ReadAllLines(path), replace) + 1;
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Gateway.dll"), $"--Gateway:RulesDir={rules}", $"--Gateway:DataDir={dataDir}", "--urls", "http://127.0.0.1:0" })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Equal($"crisis-gateway: {path}:{line}:{column}: this '[' is never closed\n", (await error).ReplaceLineEndings("\n"));
        Assert.DoesNotContain("   at ", await output, StringComparison.Ordinal);
    }

    private static async Task<JsonElement> HealthAsync(TestGateway gateway)
    {
        var health = await (await gateway.CreateClient().GetAsync("/health")).ReadJsonAsync();
        Assert.Equal("ok", health.GetProperty("status").GetString());
        return health.GetProperty("rules");
    }

    private static async Task<string[]> RulesFoundAsync(HttpClient admin, string body = Shooting)
    {
        var response = await admin.PostJsonAsync("/api/check", new { account = "acme", body });
        var json = await response.ReadJsonAsync();
        return json.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("rule").GetString()!).Where(r => r.StartsWith("topic.")).ToArray();
    }
}
