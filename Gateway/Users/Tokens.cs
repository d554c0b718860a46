using System.Security.Cryptography;
using System.Text;

namespace Gateway.Users;

/// <summary>
/// Bearer tokens: 256 random bits, shown once, stored as SHA-256. A plain hash suffices (no PBKDF2) because the
/// token has full entropy, so there is nothing to brute-force; it also lets the lookup be one indexed query.
/// </summary>
public static class Tokens
{
    public const string Prefix = "cg_";

    public static string Create() => Prefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
