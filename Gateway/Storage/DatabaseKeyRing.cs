using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Gateway.Storage;

/// <summary>
/// Data Protection's key ring in the shared database, so that every node of a cluster opens the secrets and the
/// sign-in cookies any other node made. Data Protection's interface is synchronous, and it reads the ring rarely
/// (at start and when a key nears expiry), so the calls are too.
/// </summary>
public sealed class DatabaseKeyRing(Database database, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Dialect.CreateConnection();
        connection.Open();
        return connection.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at, name").Select(XElement.Parse).ToArray();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = database.Dialect.CreateConnection();
        connection.Open();
        connection.Execute(
            "INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@friendlyName, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = time.GetUtcNow() });
    }
}
