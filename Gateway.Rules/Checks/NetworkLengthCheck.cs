namespace Gateway.Rules.Checks;

/// <summary>
/// Blocks a post that the account's network would refuse or cut off, counting the text as the publisher sends it
/// (<see cref="Text.PlainText"/>), and pointing at where, in the Markdown, the limit is reached.
/// </summary>
public sealed class NetworkLengthCheck(NetworkLimits limits) : ICheck
{
    public const string RuleId = "network.length";

    public string Name => "network-length";

    public bool RerunAtFireTime => false;

    public ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken)
    {
        var limit = limits.For(input.Account.Network);
        if (limit is null)
        {
            return ValueTask.FromResult<IReadOnlyList<Finding>>([]);
        }
        var sent = Text.PlainText.Render(input.Body);
        var length = limit.Measure(sent.Text, out var sentCut);
        if (length <= limit.Limit)
        {
            return ValueTask.FromResult<IReadOnlyList<Finding>>([]);
        }
        var cut = sent.SourceAt(sentCut);
        var finding = new Finding(
            RuleId,
            Severity.Block,
            $"The post is {length} characters long; {limit.Network} allows {limit.Limit}. Shorten it by {length - limit.Limit}.",
            cut,
            input.Body.Length - cut,
            input.Body[cut..],
            new Dictionary<string, string>
            {
                ["network"] = limit.Network,
                ["length"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["limit"] = limit.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            });
        return ValueTask.FromResult<IReadOnlyList<Finding>>([finding]);
    }
}
