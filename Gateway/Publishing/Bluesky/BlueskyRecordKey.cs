using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Gateway.Posts;

namespace Gateway.Publishing.Bluesky;

/// <summary>
/// The record key a post gets in the account's repository: an atproto TID (13 characters of base32-sortable, a
/// 64-bit number with the top bit 0, 53 bits of microseconds since the epoch and a 10-bit clock id), derived from the
/// post instead of the clock. Every send of the same post version asks for the same key, and the PDS never keeps two
/// records under one key: that is what makes a retry safe. The time part lies within the second the post was due,
/// so the key sorts where the post does; the rest comes from the post's id and content hash.
/// </summary>
public static class BlueskyRecordKey
{
    private const string Alphabet = "234567abcdefghijklmnopqrstuvwxyz";

    public static string For(Post post)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{post.Id}\n{post.ContentHash}"));
        var second = (ulong)post.ScheduledAt.ToUnixTimeSeconds() * 1_000_000UL;
        var micros = second + BinaryPrimitives.ReadUInt64LittleEndian(hash) % 1_000_000UL;
        var clockId = BinaryPrimitives.ReadUInt16LittleEndian(hash.AsSpan(8)) & 0x3FFUL;
        return Encode(micros, clockId);
    }

    public static string Encode(ulong micros, ulong clockId)
    {
        var value = ((micros & ((1UL << 53) - 1)) << 10) | (clockId & 0x3FF);
        Span<char> text = stackalloc char[13];
        for (var i = 12; i >= 0; i--)
        {
            text[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(text);
    }

    /// <summary>The TID syntax as <c>@atproto/syntax</c> checks it.</summary>
    public static bool IsTid(string? key) =>
        key is { Length: 13 } && "234567abcdefghij".Contains(key[0]) && key.All(c => Alphabet.Contains(c));
}
