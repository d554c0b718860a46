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
    private const string Usage = """
        usage: Gateway users add NAME --role editor|reviewer|admin   create a user; prints the token on the last line
               Gateway users list                                  list users and roles
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
            return 1;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"crisis-gateway: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
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
            case ["help"] or ["--help"] or ["-h"]:
                Console.WriteLine(Usage);
                return 0;
            default:
                throw new UsageException($"unknown command '{string.Join(' ', positional)}'");
        }
    }

    private static async Task<UserStore> OpenUsersAsync(Dictionary<string, string> named)
    {
        var configuration = new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddInMemoryCollection(named.Where(n => n.Key.Contains(':')).Select(n => KeyValuePair.Create(n.Key, (string?)n.Value)))
            .Build();
        var options = GatewayHost.LoadOptions(configuration, Directory.GetCurrentDirectory());
        var database = new Database(new SqliteDialect(options.DatabasePath, options.SchedulerPath));
        await database.MigrateAsync();
        return new UserStore(database, new AuditLog(database, TimeProvider.System), TimeProvider.System);
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
