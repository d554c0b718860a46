using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;

namespace Gateway.Tests.Support;

/// <summary>
/// Node scripts from <c>Gateway.Tests/node</c> (packages from its lock file, installed by <c>npm ci</c>). A missing node
/// or package fails the test with the command to run, never skips it.
/// </summary>
public static class NodeScript
{
    public static string Folder => Path.Combine(Paths.Root, "Gateway.Tests", "node");

    /// <summary>Starts <c>node <paramref name="script"/> <paramref name="args"/></c> in <see cref="Folder"/>, with output and input redirected.</summary>
    /// <param name="package">The npm package the script needs, checked first so its absence says what to run.</param>
    /// <param name="purpose">What the tests use it for, for the failure message.</param>
    public static Process Start(string script, string package, string purpose, params string[] args)
    {
        if (!File.Exists(Path.Combine(Folder, "node_modules", package, "package.json")))
        {
            throw new InvalidOperationException(
                $"{purpose} runs npm's {package} from {Folder}, which is not installed: run 'npm ci --prefix Gateway.Tests/node' (needs node 20.19 or later).");
        }
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = Folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        // Loopback only: no proxy from the environment comes between a script and the servers the test started.
        start.Environment["NO_PROXY"] = start.Environment["no_proxy"] = "127.0.0.1,localhost";
        try
        {
            return Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"{purpose} needs node (20.19 or later) on PATH: {e.Message}", e);
        }
    }

    /// <summary>
    /// Runs a script that reads <paramref name="input"/> as JSON on stdin and prints one JSON line, and returns that line.
    /// A script that does not finish within <paramref name="timeout"/> (a safety net, not a speed claim) is killed and
    /// fails the test with what it printed.
    /// </summary>
    public static async Task<JsonElement> RunAsync(string script, string package, string purpose, object input, TimeSpan timeout)
    {
        using var process = Start(script, package, purpose);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(JsonSerializer.Serialize(input));
        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"node {script} did not finish within {timeout} and was killed; stdout: {await stdout}; stderr: {await stderr}");
        }
        var output = (await stdout).Trim();
        if (process.ExitCode != 0 || output.Length == 0)
        {
            throw new InvalidOperationException($"node {script} exited {process.ExitCode}; stdout: {output}; stderr: {await stderr}");
        }
        return JsonDocument.Parse(output.Split('\n')[^1]).RootElement;
    }
}
