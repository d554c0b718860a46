using System.Diagnostics;
using Gateway.Tests.Support;

namespace Gateway.Tests.Auth;

/// <summary>
/// A real OpenID provider on loopback: <c>Gateway.Tests/node/provider.mjs</c> (npm's oidc-provider) run by node,
/// with one client registered for <paramref name="redirectUri"/>. Needs node and <c>npm ci</c> in that folder; either
/// missing fails the test with the command to run, never skips it.
/// </summary>
public sealed class OpenIdProvider : IDisposable
{
    public const string ClientId = "crisis-gateway";
    public const string ClientSecret = "loopback-test-secret";

    private readonly Process _process;
    private readonly List<string> _output = [];

    private OpenIdProvider(Process process, string issuer)
    {
        _process = process;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<OpenIdProvider> StartAsync(string redirectUri)
    {
        var port = GatewayProcess.FreePort();
        var process = NodeScript.Start("provider.mjs", "oidc-provider", "The single sign-on tests' OpenID provider",
            "--port", port.ToString(), "--redirect-uri", redirectUri, "--client-id", ClientId, "--client-secret", ClientSecret);
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var provider = new OpenIdProvider(process, $"http://127.0.0.1:{port}");
        process.OutputDataReceived += (_, e) =>
        {
            provider.Record(e.Data);
            if (e.Data?.StartsWith("ready ", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult(e.Data["ready ".Length..]);
            }
        };
        process.ErrorDataReceived += (_, e) => provider.Record(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("The OpenID provider exited: " + provider.Output));
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // A safety net against a hung start, not a speed claim.
        var issuer = await ready.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(provider.Issuer, issuer);
        return provider;
    }

    /// <summary>What node printed, for a failing test's message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _output);
            }
        }
    }

    private void Record(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
