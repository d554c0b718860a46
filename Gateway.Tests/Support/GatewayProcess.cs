using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;

namespace Gateway.Tests.Support;

/// <summary>
/// The built gateway, run as <c>dotnet Gateway.dll</c> on a free loopback port, to be killed with SIGKILL and started
/// again on the same data. <paramref name="settings"/> are extra configuration (<c>Gateway:Publishing:X:BaseUrl</c>).
/// </summary>
public sealed class GatewayProcess(string dataDir, string schedulerName, IReadOnlyDictionary<string, string>? settings = null)
{
    private readonly int _port = FreePort();
    private Process? _process;

    private string[] Settings =>
    [
        $"--Gateway:DataDir={dataDir}",
        $"--Gateway:RulesDir={Paths.Rules}",
        $"--Gateway:SchedulerName={schedulerName}",
        // Long enough that a post due while the gateway restarted still goes out; the gate holds later ones.
        "--Gateway:LateGrace=00:00:30",
        "--Gateway:Links:Enabled=false",
        // The tests poll one token far faster than any person: the API's rate limit is not what they test.
        "--Gateway:RateLimits:ApiPermits=1000000",
        "--Logging:LogLevel:Default=Warning",
        .. (settings ?? new Dictionary<string, string>()).Select(s => $"--{s.Key}={s.Value}"),
    ];

    public async Task StartAsync()
    {
        _process = Start([$"--urls=http://127.0.0.1:{_port}", .. Settings]);
        var log = File.AppendText(Path.Combine(dataDir, "gateway.log"));
        _process.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); log.Flush(); } };
        _process.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); log.Flush(); } };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        using var probe = Client(null);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.False(_process.HasExited, $"the gateway exited with {(_process.HasExited ? _process.ExitCode : 0)}; see {dataDir}/gateway.log");
            try
            {
                if ((await probe.GetAsync("/health")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            Assert.True(DateTime.UtcNow < deadline, "the gateway did not start within a minute");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flush, as a crash or an OOM kill.</summary>
    public void Kill()
    {
        _process!.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Kills it if it runs: for a test's clean-up, whatever state the test left it in.</summary>
    public void Stop()
    {
        if (_process is not null)
        {
            Kill();
        }
    }

    public HttpClient Client(string? token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}"), Timeout = TimeSpan.FromSeconds(30) };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>Every complete line of the outbox; a line cut by the kill is not a sent post.</summary>
    public IEnumerable<string> OutboxIds()
    {
        var path = Path.Combine(dataDir, "outbox.jsonl");
        if (!File.Exists(path))
        {
            yield break;
        }
        foreach (var line in File.ReadLines(path))
        {
            string? id = null;
            try
            {
                id = JsonDocument.Parse(line).RootElement.GetProperty("id").GetString();
            }
            catch (JsonException)
            {
                // cut short by the kill
            }
            if (id is not null)
            {
                yield return id;
            }
        }
    }

    private static Process Start(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Gateway.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return Process.Start(start)!;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
