using Gateway.Audit;
using Gateway.Storage;
using Gateway.Users;

namespace Gateway.Cli;

/// <summary>
/// <c>dotnet run --project Gateway -- users add NAME --role ROLE</c> and friends. Works against the configured data
/// directory without starting the server. Errors are one line on stderr and a non-zero exit.
/// </summary>
public static class CommandLine
{
    /// <summary>Exit codes: 0 and, for <c>check</c>, 1 (warnings) and 2 (review or block) are results; these are failures.</summary>
    public const int Refused = 3;
    public const int UsageError = 64;

    private static readonly HashSet<string> Flags = new(StringComparer.OrdinalIgnoreCase) { "no-links" };

    private const string Usage = """
        usage: Gateway users add NAME --role editor|reviewer|admin   create a user; prints the token on the last line
               Gateway users list                                  list users and roles
               Gateway check FILE... --account ID [--format text|json] [--no-links]
                                                                   check Markdown files as posts to ID; exit 0 clean,
                                                                   1 warnings, 2 needs review or blocked
        Options from configuration apply, e.g. --Gateway:DataDir=/var/lib/crisis-gateway
        """;

    /// <summary>A first word that is not an option is a command; options alone start the server.</summary>
    public static bool Handles(string first) => !first.StartsWith('-') || first is "--help" or "-h";

    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            return await DispatchAsync(args);
        }
        catch (ProblemException e)
        {
            Console.Error.WriteLine($"crisis-gateway: {e.Detail}");
            return Refused;
        }
        catch (Rules.RuleFileException e)
        {
            Console.Error.WriteLine($"crisis-gateway: {e.Message}");
            return Refused;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"crisis-gateway: {e.Message}");
            Console.Error.WriteLine(Usage);
            return UsageError;
        }
    }

    private static async Task<int> DispatchAsync(string[] args)
    {
        var (positional, named) = Parse(args);
        switch (positional)
        {
            case ["users", "add", var name]:
            {
                var role = named.GetValueOrDefault("role") ?? throw new UsageException("users add needs --role");
                var store = await OpenUsersAsync(named);
                var (user, token) = await store.CreateAsync(name, role, "cli");
                Console.WriteLine($"Created {user.Role} '{user.Name}'. Token (shown once, stored only as a hash):");
                Console.WriteLine(token);
                return 0;
            }
            case ["users", "list"]:
            {
                var store = await OpenUsersAsync(named);
                foreach (var user in await store.ListAsync())
                {
                    Console.WriteLine($"{user.Name}\t{user.Role}\t{(user.DisabledAt is null ? "active" : "disabled")}");
                }
                return 0;
            }
            case ["check", .. var files] when files.Length > 0:
            {
                var account = named.GetValueOrDefault("account") ?? throw new UsageException("check needs --account ID");
                var format = named.GetValueOrDefault("format") ?? "text";
                if (format is not ("text" or "json"))
                {
                    throw new UsageException($"--format is text or json, not '{format}'");
                }
                var options = LoadOptions(named);
                var database = await OpenDatabaseAsync(options);
                return await CheckCommand.RunAsync(files, account, format, !named.ContainsKey("no-links"), options, database);
            }
            case ["check"]:
                throw new UsageException("check needs at least one FILE");
            case ["help"] or ["--help"] or ["-h"]:
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new UsageException($"unknown command '{string.Join(' ', positional)}'");
        }
    }

    private static async Task<UserStore> OpenUsersAsync(Dictionary<string, string> named)
    {
        var database = await OpenDatabaseAsync(LoadOptions(named));
        return new UserStore(database, new AuditLog(database, TimeProvider.System), TimeProvider.System);
    }

    private static GatewayOptions LoadOptions(Dictionary<string, string> named)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(named.Where(n => n.Key.Contains(':')).Select(n => KeyValuePair.Create(n.Key, (string?)n.Value)))
            .Build();
        return GatewayHost.LoadOptions(configuration, Directory.GetCurrentDirectory());
    }

    private static async Task<Database> OpenDatabaseAsync(GatewayOptions options)
    {
        var database = new Database(Database.For(options));
        await database.MigrateAsync();
        return database;
    }

    /// <summary>Splits <c>a b --key value --key=value</c> into positional words and named options.</summary>
    private static (string[] Positional, Dictionary<string, string> Named) Parse(string[] args)
    {
        var positional = new List<string>();
        var named = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || args[i] == "--help")
            {
                positional.Add(args[i]);
                continue;
            }
            var option = args[i][2..];
            if (Flags.Contains(option))
            {
                named[option] = "true";
                continue;
            }
            var equals = option.IndexOf('=');
            if (equals > 0)
            {
                named[option[..equals]] = option[(equals + 1)..];
            }
            else if (i + 1 < args.Length)
            {
                named[option] = args[++i];
            }
            else
            {
                throw new UsageException($"--{option} needs a value");
            }
        }
        return (positional.ToArray(), named);
    }

    private sealed class UsageException(string message) : Exception(message);
}
