using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Gateway.Rules.Checks;

/// <summary>
/// E-mail addresses by kind: a role address (info@, support@, press@ …) or one at the account's own domains is
/// meant to be published (certainty 1); any other address is presumably a person's (certainty 3).
/// </summary>
public static class EmailAddresses
{
    private static readonly Regex Shape = new(
        @"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b", RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    // Shared mailboxes nobody owns personally: RFC 2142's list and the usual shop, press and service names in the
    // five languages we serve. No library keeps such a list; extend it here.
    private static readonly FrozenSet<string> RoleMailboxes = new[]
    {
        "info", "marketing", "sales", "support", "abuse", "noc", "security", "postmaster", "hostmaster", "usenet",
        "news", "webmaster", "www", "ftp", "press", "media", "pr", "contact", "hello", "hi", "help", "service",
        "customerservice", "customercare", "care", "office", "admin", "billing", "invoice", "invoices", "accounts",
        "orders", "order", "shop", "store", "booking", "bookings", "reservations", "jobs", "careers", "recruiting",
        "hr", "privacy", "dpo", "gdpr", "legal", "compliance", "feedback", "newsletter", "events", "partners",
        "investors", "ir", "team", "mail", "post", "noreply", "no-reply", "donotreply", "returns", "complaints",
        "presse", "kontakt", "hallo", "hilfe", "kundenservice", "kundendienst", "bestellung", "datenschutz",
        "karriere", "buchhaltung", "rechnung", "verkauf", "pers", "klantenservice", "klantendienst", "verkoop",
        "vacatures", "bestellingen", "hei", "kundeservice", "salg", "faktura", "personvern", "bestilling",
        "jobb", "atbalsts", "klienti", "birojs", "prese", "pasutijumi", "rekini", "kariera",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> RoleMailboxLookup =
        RoleMailboxes.GetAlternateLookup<ReadOnlySpan<char>>();

    public static IEnumerable<PrivacySpan> Find(string text, AccountProfile account)
    {
        if (!text.Contains('@'))
        {
            yield break;
        }
        foreach (Match match in Shape.Matches(text))
        {
            yield return Classify(text, match.Index, match.Length, account);
        }
    }

    private static PrivacySpan Classify(string text, int start, int length, AccountProfile account)
    {
        var address = text.AsSpan(start, length);
        var at = address.IndexOf('@');
        var local = address[..at];
        var plus = local.IndexOf('+');
        var mailbox = plus < 0 ? local : local[..plus];
        var domain = address[(at + 1)..];
        foreach (var own in account.Domains)
        {
            if (domain.Equals(own, StringComparison.OrdinalIgnoreCase)
                || (domain.EndsWith(own, StringComparison.OrdinalIgnoreCase) && domain[^(own.Length + 1)] == '.'))
            {
                return new PrivacySpan(start, length, 1, "own-domain");
            }
        }
        return RoleMailboxLookup.Contains(mailbox)
            ? new PrivacySpan(start, length, 1, "role")
            : new PrivacySpan(start, length, 3, "personal");
    }
}
