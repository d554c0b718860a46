namespace Gateway.Tests.Support;

/// <summary>
/// The database a <see cref="TestGateway"/> runs on. A test class that must hold on both is abstract, takes an
/// engine, and has one sealed subclass per engine (<c>KillSwitchOnSqlite</c>, <c>KillSwitchOnPostgres</c>).
/// </summary>
public enum Engine
{
    Sqlite,
    Postgres,
}
