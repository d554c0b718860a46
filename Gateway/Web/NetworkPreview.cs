using System.Globalization;
using Gateway.Rules;
using Gateway.Rules.Text;
using Gateway.Rules.Checks;

namespace Gateway.Web;

/// <summary>
/// How one network will show a post, and how much room is left there. Counted on the server by the very code behind
/// <c>network.length</c> (<see cref="PlainText"/> and <see cref="NetworkLimit.Measure"/>), which the compose page asks as
/// the editor types: a counter in the browser would need a second Markdown renderer and URL finder that could disagree.
/// </summary>
/// <param name="Cut">Where, in <see cref="Text"/>, the network's limit is reached; -1 when it fits.</param>
public sealed record NetworkPreview(string Network, string Handle, string Text, int Length, int? Limit, int Cut)
{
    public int? Remaining => Limit - Length;

    /// <summary>The network's own name for it, as its users know it.</summary>
    public string NetworkName => Network.ToLowerInvariant() switch
    {
        "x" => "X",
        "mastodon" => "Mastodon",
        "bluesky" => "Bluesky",
        "linkedin" => "LinkedIn",
        "threads" => "Threads",
        "instagram" => "Instagram",
        "facebook" => "Facebook",
        var other => other,
    };

    /// <summary>Null when <paramref name="body"/> is Markdown nested too deep to send (the checks say so themselves).</summary>
    public static NetworkPreview? Of(Accounts.Account account, string body, NetworkLimits limits)
    {
        string text;
        try
        {
            text = PlainText.Render(body).Text;
        }
        catch (MarkdownTooDeepException)
        {
            return null;
        }
        var handle = account.Identity.Handle is { Length: > 0 } h ? h : account.Id;
        if (limits.For(account.Network) is not { } limit)
        {
            return new(account.Network, handle, text, new StringInfo(text).LengthInTextElements, null, -1);
        }
        var length = limit.Measure(text, out var cut);
        return new(account.Network, handle, text, length, limit.Limit, cut);
    }

    /// <summary>"254 of 280 left", "12 over the limit of 280", or the length where the network sets none.</summary>
    public string Counter => Remaining switch
    {
        null => $"{Length} characters; {NetworkName} sets no limit here",
        >= 0 and var left => $"{left} of {Limit} left",
        var over => $"{-over} over the limit of {Limit}",
    };
}
