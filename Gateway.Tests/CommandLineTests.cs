using System.Diagnostics;
using Gateway.Tests.Support;

namespace Gateway.Tests;

/// <summary>The command line as people run it: a real process, real exit codes, real output.</summary>
public sealed class CommandLineTests
{
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
    [InlineData(1, "Unknown role 'boss'", "users", "add", "dave", "--role", "boss")]
    [InlineData(1, "is not valid", "users", "add", "Dave Smith", "--role", "editor")]
    [InlineData(2, "needs --role", "users", "add", "dave")]
    [InlineData(2, "unknown command", "posts", "nuke")]
    public async Task Mistakes_exit_non_zero_with_one_readable_line(int expectedExit, string says, params string[] args)
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", Guid.NewGuid().ToString("N"));
        var (exit, _, error) = await RunAsync([.. args, $"--Gateway:DataDir={dataDir}"]);
        Assert.Equal(expectedExit, exit);
        Assert.StartsWith("crisis-gateway: ", error);
        Assert.Contains(says, error.Split('\n')[0]);
    }
}
