namespace Gateway.Rules;

/// <summary>One prevention check. Adding a check is one class plus, usually, its rule pack in <c>rules/</c>.</summary>
public interface ICheck
{
    /// <summary>Short name for logs and timings, e.g. <c>network-length</c>.</summary>
    string Name { get; }

    /// <summary>
    /// True when the answer can change between submit and fire time (a link that breaks, a hashtag that starts
    /// trending): the fire-time gate runs only these again.
    /// </summary>
    bool RerunAtFireTime { get; }

    ValueTask<IReadOnlyList<Finding>> RunAsync(CheckInput input, CancellationToken cancellationToken);
}
