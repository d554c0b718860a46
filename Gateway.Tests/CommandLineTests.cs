using System.Diagnostics;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>The command line as people run it: a real process, real exit codes, real output.</summary>
public sealed class CommandLineTests
{
    /// <summary>A data directory with one brand account on X, made through the API like an admin would.</summary>
    private static async Task<string> DataDirWithAccountAsync()
    {
        using var gateway = new TestGateway();
        var admin = await gateway.SignInAsync("root", "admin");
        await admin.CreateAccountAsync("acme", network: "x");
        return gateway.DataDir;
    }

    private static string Write(string dir, string name, string text)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Check_reports_like_a_compiler_and_exits_by_the_worst_finding()
    {
        var dataDir = await DataDirWithAccountAsync();
        string[] common = ["--account", "acme", "--no-links", $"--Gateway:DataDir={dataDir}", $"--Gateway:RulesDir={Paths.Rules}"];
        var clean = Write(dataDir, "clean.md", "Our spring sale starts Monday.\n");
        var tags = Write(dataDir, "tags.md", "Our spring sale.\n#a #b #c #d #e #f\n");
        var bad = Write(dataDir, "bad.md", "Hello!\nWe will never forget the school shooting.\n");

        var (exit, output, _) = await RunAsync(["check", clean, .. common]);
        Assert.Equal((0, "1 file, 0 findings, worst: none\n"), (exit, output.Replace("\r\n", "\n")));
        (exit, output, _) = await RunAsync(["check", tags, .. common]);
        Assert.Equal(1, exit);
        Assert.StartsWith($"{tags}:2:10 warning network.hashtags ", output);
        (exit, output, _) = await RunAsync(["check", clean, bad, .. common]);
        Assert.Equal(2, exit);
        Assert.StartsWith($"{bad}:2:26 review topic.violence \"school shooting\"", output);
        Assert.EndsWith("2 files, 1 finding, worst: review", output.TrimEnd());

        (exit, output, _) = await RunAsync(["check", bad, "--format", "json", .. common]);
        Assert.Equal(2, exit);
        var finding = System.Text.Json.JsonDocument.Parse(output).RootElement.EnumerateArray().Single();
        Assert.Equal(("topic.violence", 2, 26, "school shooting"),
            (finding.GetProperty("rule").GetString(), finding.GetProperty("line").GetInt32(), finding.GetProperty("column").GetInt32(), finding.GetProperty("match").GetString()));

        var (unknown, _, error) = await RunAsync(["check", bad, "--account", "nope", $"--Gateway:DataDir={dataDir}", $"--Gateway:RulesDir={Paths.Rules}"]);
        Assert.Equal(3, unknown);
        Assert.StartsWith("crisis-gateway: Unknown account 'nope'", error);
    }

    [Theory]
    [InlineData("deep.md", "nests its Markdown")]
    [InlineData("nonchar.md", "noncharacter U+FFFE")]
    public async Task Check_refuses_text_it_cannot_read_in_one_line(string name, string says)
    {
        var dataDir = await DataDirWithAccountAsync();
        var file = Write(dataDir, name, name == "deep.md" ? string.Concat(Enumerable.Repeat("> ", 200)) + "deep\n" : "Hello \uFFFE\n");
        var (exit, _, error) = await RunAsync(["check", file, "--account", "acme", "--no-links", $"--Gateway:DataDir={dataDir}", $"--Gateway:RulesDir={Paths.Rules}"]);
        Assert.Equal(3, exit);
        Assert.StartsWith($"crisis-gateway: {file}: the text ", error);
        Assert.Contains(says, error.Split('\n')[0]);
    }

    [Fact]
    public async Task Check_with_a_broken_rule_file_exits_3_with_one_line_naming_file_line_and_column()
    {
        var dataDir = await DataDirWithAccountAsync();
        var violence = File.ReadAllText(Path.Combine(Paths.Rules, "topics", "violence.yml"));
        var rules = RulesCopy.With(("topics/violence.yml", violence.Replace("category: violence", "category: [violence", StringComparison.Ordinal)));
        var post = Write(dataDir, "post.md", "Our spring sale starts Monday.\n");
        var line = Array.IndexOf(File.ReadAllLines(Path.Combine(rules, "topics", "violence.yml")), "category: [violence") + 1;

        var (exit, output, error) = await RunAsync(["check", post, "--account", "acme", "--no-links", $"--Gateway:DataDir={dataDir}", $"--Gateway:RulesDir={rules}"]);

        Assert.Equal(3, exit);
        Assert.Equal("", output);
        Assert.Equal($"crisis-gateway: {Path.Combine(rules, "topics", "violence.yml")}:{line}:11: this '[' is never closed\n", error.ReplaceLineEndings("\n"));
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }

    [Fact]
    public async Task Users_add_prints_the_token_alone_on_its_last_line_and_the_gateway_accepts_it()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        var (exit, output, error) = await RunAsync("users", "add", "carol", "--role", "editor", $"--Gateway:DataDir={dataDir}");
        Assert.True(exit == 0, error);
        var token = output.TrimEnd().Split('\n')[^1];
        Assert.Matches("^cg_[A-Za-z0-9_-]{43}$", token);

        using var gateway = new TestGateway(dataDir);
        var me = await (await gateway.ClientWithToken(token).GetAsync("/api/me")).ReadJsonAsync();
        Assert.Equal("carol", me.GetProperty("name").GetString());
        Assert.Equal("editor", me.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData(3, "Unknown role 'boss'", "users", "add", "dave", "--role", "boss")]
    [InlineData(3, "is not valid", "users", "add", "Dave Smith", "--role", "editor")]
    [InlineData(64, "needs --role", "users", "add", "dave")]
    [InlineData(64, "unknown command", "posts", "nuke")]
    [InlineData(64, "needs --account", "check", "post.md")]
    [InlineData(3, "no such file", "check", "missing.md", "--account", "acme")]
    [InlineData(64, "--format is text or json", "check", "post.md", "--account", "acme", "--format", "xml")]
    public async Task Mistakes_exit_non_zero_with_one_readable_line(int expectedExit, string says, params string[] args)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        var (exit, _, error) = await RunAsync([.. args, $"--Gateway:DataDir={dataDir}"]);
        Assert.Equal(expectedExit, exit);
        Assert.StartsWith("crisis-gateway: ", error);
        Assert.Contains(says, error.Split('\n')[0]);
    }
}
