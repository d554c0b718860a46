using System.Diagnostics;
using Npgsql;

namespace Gateway.Tests.Support;

/// <summary>
/// One throwaway PostgreSQL server per test process, from Debian's binaries (there is no Docker here): started on
/// first use in a fresh temp folder on a free loopback port, stopped and deleted when the process exits. Each test
/// takes its own database from <see cref="CreateDatabaseAsync"/>. Missing binaries fail the tests, never skip them.
/// </summary>
public sealed class PostgresServer
{
    private const string Superuser = "gateway";

    private static readonly Lazy<PostgresServer> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly string _root;
    private readonly int _port;

    // Held for the life of the process: its stdin pipe closing is what stops the server.
    private readonly Process _watchdog;

    private PostgresServer(string root, int port, Process watchdog)
    {
        _root = root;
        _port = port;
        _watchdog = watchdog;
    }

    private string DataDir => Path.Combine(_root, "data");

    private string LogFile => Path.Combine(_root, "postgres.log");

    /// <summary>The superuser's connection string to the <c>postgres</c> maintenance database.</summary>
    public static string AdminConnectionString => Instance.Value.ConnectionString("postgres");

    /// <summary>Creates a new empty database (a unique name unless given) and returns a connection string to it.</summary>
    public static async Task<string> CreateDatabaseAsync(string? name = null)
    {
        var server = Instance.Value;
        name ??= "test_" + Guid.NewGuid().ToString("N");
        await using var admin = new NpgsqlConnection(server.ConnectionString("postgres"));
        await admin.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"")}\"", admin);
        await create.ExecuteNonQueryAsync();
        return server.ConnectionString(name);
    }

    /// <summary>The bin folder of the highest PostgreSQL version under <paramref name="root"/> that has initdb.</summary>
    internal static string FindBinDir(string root = "/usr/lib/postgresql")
    {
        var bins = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: ParseVersion(Path.GetFileName(dir))))
                .Where(v => v.Version is not null && File.Exists(Path.Combine(v.Dir, "initdb")))
                .OrderByDescending(v => v.Version)
                .Select(v => v.Dir)
            : [];
        return bins.FirstOrDefault() ?? throw new InvalidOperationException(
            $"PostgreSQL is not installed: apt-get install -y postgresql (no {root}/<version>/bin/initdb found).");
    }

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.') ? name : name + ".0", out var version) ? version : null;

    private static PostgresServer Start()
    {
        var bin = FindBinDir();
        var root = Directory.CreateTempSubdirectory("gateway-pg-").FullName;
        var watchdog = StartWatchdog(bin, root);
        var sockets = Directory.CreateDirectory(Path.Combine(root, "sock")).FullName;
        if (Environment.IsPrivilegedProcess)
        {
            Run(new ProcessStartInfo("chown", ["-R", "postgres:", root]));
        }

        Run(Tool(bin, "initdb",
            ["-D", Path.Combine(root, "data"), "--auth=trust", "-U", Superuser, "-E", "UTF8", "--locale=C", "--no-sync"]));

        // A port can be taken between FreePort and the server's bind; another free port then does.
        for (var attempt = 1; ; attempt++)
        {
            var server = new PostgresServer(root, GatewayProcess.FreePort(), watchdog);
            try
            {
                Run(Tool(bin, "pg_ctl",
                [
                    "start", "-w", "-t", "60", "-D", server.DataDir, "-l", server.LogFile,
                    "-o", $"-c listen_addresses=127.0.0.1 -p {server._port} -k {sockets} -c fsync=off -c max_connections=300",
                ]), server.LogFile);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>
    /// Stops the server and deletes its folder once this process is gone. Not AppDomain.ProcessExit: vstest kills the
    /// test host 100 ms after the run, before pg_ctl and the delete finish, and a crashed run never gets there. The
    /// watchdog reads a pipe only this process holds (.NET opens it close-on-exec), so the kernel's end-of-file on
    /// any kind of exit is its signal; a stale server of an earlier run is thus stopped too.
    /// </summary>
    private static Process StartWatchdog(string bin, string root)
    {
        const string script = """
            trap '' INT HUP
            exec >/dev/null 2>&1
            root=$1; shift
            read -r _
            [ -f "$root/data/postmaster.pid" ] && "$@"
            rm -rf "$root"
            """;
        var stop = Tool(bin, "pg_ctl", ["stop", "-w", "-m", "immediate", "-D", Path.Combine(root, "data")]);
        return Process.Start(new ProcessStartInfo("sh", ["-c", script, "postgres-watchdog", root, stop.FileName, .. stop.ArgumentList])
        {
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        })!;
    }

    /// <summary>A PostgreSQL tool; initdb and postgres refuse to run as root, so root runs them as postgres.</summary>
    private static ProcessStartInfo Tool(string bin, string name, string[] args) =>
        Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", Path.Combine(bin, name), .. args])
            : new ProcessStartInfo(Path.Combine(bin, name), args);

    private static void Run(ProcessStartInfo start, string? log = null)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        // The tools chdir back to the current folder, which the postgres user may not be allowed to read.
        start.WorkingDirectory = Path.GetTempPath();
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}:\n{stdout}{stderr.Result}" +
                (log is not null && File.Exists(log) ? $"\nserver log:\n{File.ReadAllText(log)}" : ""));
        }
    }

    private string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = _port,
        Username = Superuser,
        Database = database,
        Pooling = true,
    }.ConnectionString;
}
