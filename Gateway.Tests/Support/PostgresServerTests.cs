using Npgsql;

namespace Gateway.Tests.Support;

public class PostgresServerTests
{
    [Fact]
    public async Task ConnectionStringReachesAnEmptyUtf8DatabaseOnLoopback()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        Assert.StartsWith("PostgreSQL ", (string?)await Scalar(connection, "SELECT version()"));
        Assert.Equal("UTF8", await Scalar(connection, "SHOW server_encoding"));
        Assert.Equal(0L, await Scalar(connection, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"));
        Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(connectionString).Host);
    }

    [Fact]
    public async Task TwoDatabasesAreIndependent()
    {
        await using var first = new NpgsqlConnection(await PostgresServer.CreateDatabaseAsync());
        await using var second = new NpgsqlConnection(await PostgresServer.CreateDatabaseAsync("named \"db\""));
        await first.OpenAsync();
        await second.OpenAsync();

        await Scalar(first, "CREATE TABLE posts (id int); INSERT INTO posts VALUES (1)");

        Assert.NotEqual(await Scalar(first, "SELECT current_database()"), await Scalar(second, "SELECT current_database()"));
        Assert.Equal("named \"db\"", await Scalar(second, "SELECT current_database()"));
        Assert.Equal(1L, await Scalar(first, "SELECT count(*) FROM posts"));
        Assert.Equal(true, await Scalar(second, "SELECT to_regclass('posts') IS NULL"));
    }

    [Fact]
    public async Task NotifyOnOneConnectionReachesTheListenerOnAnother()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using var listener = new NpgsqlConnection(connectionString);
        await using var sender = new NpgsqlConnection(connectionString);
        await listener.OpenAsync();
        await sender.OpenAsync();
        var received = new List<NpgsqlNotificationEventArgs>();
        listener.Notification += (_, e) => received.Add(e);
        await Scalar(listener, "LISTEN gateway_freeze");

        await Scalar(sender, "SELECT pg_notify('gateway_freeze', 'account-42')");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await listener.WaitAsync(timeout.Token);

        var notification = Assert.Single(received);
        Assert.Equal("gateway_freeze", notification.Channel);
        Assert.Equal("account-42", notification.Payload);
        Assert.Equal(sender.ProcessID, notification.PID);
    }

    [Fact]
    public void MissingBinariesFailWithTheInstallCommand()
    {
        var empty = Directory.CreateTempSubdirectory("gateway-no-pg-");
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => PostgresServer.FindBinDir(empty.FullName));
            Assert.StartsWith("PostgreSQL is not installed: apt-get install -y postgresql", error.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void TheHighestVersionWithInitdbIsChosenByNumberNotByName()
    {
        var root = Directory.CreateTempSubdirectory("gateway-fake-pg-");
        try
        {
            foreach (var version in new[] { "9.6", "15", "13" })
            {
                Directory.CreateDirectory(Path.Combine(root.FullName, version, "bin"));
                File.WriteAllText(Path.Combine(root.FullName, version, "bin", "initdb"), "");
            }
            // A newer folder without initdb (a leftover of a removed package) does not count.
            Directory.CreateDirectory(Path.Combine(root.FullName, "16", "bin"));

            Assert.Equal(Path.Combine(root.FullName, "15", "bin"), PostgresServer.FindBinDir(root.FullName));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
