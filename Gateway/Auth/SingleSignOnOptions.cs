using System.Text.RegularExpressions;
using Gateway.Users;

namespace Gateway.Auth;

/// <summary>
/// <c>Gateway:Oidc</c>: the OpenID provider people sign in with, and which of its claims make a gateway user. Off
/// unless <see cref="Authority"/> and <see cref="ClientId"/> are set.
/// </summary>
public sealed partial class SingleSignOnOptions
{
    /// <summary>The issuer, e.g. <c>https://login.example.org/realms/comms</c>; its discovery document is read from there.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Shown on the sign-in page: "Sign in with {DisplayName}".</summary>
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>Space-separated, as OAuth writes them; add the provider's scope for groups if it needs one.</summary>
    public string Scopes { get; set; } = "openid profile";

    /// <summary>The claim (in the ID token or from userinfo) whose values are looked up in <see cref="Roles"/>.</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>A value of <see cref="RoleClaim"/> (a group) → a gateway role (<c>editor</c>, <c>reviewer</c>, <c>admin</c>).</summary>
    public Dictionary<string, string> Roles { get; set; } = [];

    /// <summary>The claim that names the user in the gateway (lower-cased; other characters than a-z, 0-9, '.', '_', '-' become '_').</summary>
    public string NameClaim { get; set; } = "preferred_username";

    /// <summary>Only for a provider on loopback in tests or a closed network: reads the discovery document over plain HTTP.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(ClientId);

    /// <summary>Precedence when someone's values map to several roles: the widest wins.</summary>
    private static readonly string[] Precedence = [Role.Admin, Role.Reviewer, Role.Editor];

    /// <summary>Stops the start with one sentence naming the setting, rather than failing at the first sign-in.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Authority) || string.IsNullOrWhiteSpace(ClientId))
        {
            throw new InvalidOperationException("Gateway:Oidc needs both Authority (the issuer) and ClientId; set both, or neither to turn single sign-on off.");
        }
        if (Roles.Count == 0)
        {
            throw new InvalidOperationException($"Gateway:Oidc:Roles maps no value of the '{RoleClaim}' claim to a role, so nobody could sign in; add e.g. Gateway:Oidc:Roles:crisis-comms=editor.");
        }
        foreach (var (value, role) in Roles)
        {
            if (!Role.All.Contains(role.Trim().ToLowerInvariant()))
            {
                throw new InvalidOperationException($"Gateway:Oidc:Roles:{value} is '{role}'; use one of: {string.Join(", ", Role.All)}.");
            }
        }
    }

    /// <summary>The widest role any of <paramref name="values"/> maps to, or null when none is mapped.</summary>
    public string? RoleFor(IEnumerable<string> values)
    {
        var lookup = new Dictionary<string, string>(Roles, StringComparer.OrdinalIgnoreCase);
        var roles = values.Select(v => lookup.GetValueOrDefault(v)?.Trim().ToLowerInvariant()).ToHashSet();
        return Precedence.FirstOrDefault(roles.Contains);
    }

    /// <summary>The gateway user name for a <see cref="NameClaim"/> value (<c>Alice@Example.org</c> → <c>alice_example.org</c>), or null when none fits.</summary>
    public static string? UserName(string? claim)
    {
        var name = Unsafe().Replace(claim?.Trim().ToLowerInvariant() ?? "", "_");
        return Names.IsValid(name) ? name : null;
    }

    [GeneratedRegex("[^a-z0-9._-]")]
    private static partial Regex Unsafe();
}
