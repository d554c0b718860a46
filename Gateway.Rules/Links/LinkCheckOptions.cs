namespace Gateway.Rules.Links;

/// <summary>Host switches for the link check (<c>Gateway:Links:Enabled</c>, <c>Gateway:Links:AllowPrivateAddresses</c>).</summary>
public sealed record LinkCheckOptions
{
    /// <summary>False for offline use (the CLI's <c>--no-links</c>): the check finds nothing and sends nothing.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// Lets the check reach loopback, private and other internal addresses. Only for tests and closed intranets:
    /// with it on, user-written URLs can reach the gateway's own network.
    /// </summary>
    public bool AllowPrivateAddresses { get; init; }
}
