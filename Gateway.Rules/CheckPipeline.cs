namespace Gateway.Rules;

/// <summary>Runs the registered checks over a post and returns their findings in a stable order.</summary>
public sealed class CheckPipeline(IEnumerable<ICheck> checks)
{
    private readonly ICheck[] _checks = checks.ToArray();

    public IReadOnlyList<ICheck> Checks => _checks;

    public async Task<IReadOnlyList<Finding>> RunAsync(CheckInput input, CheckPhase phase, CancellationToken cancellationToken)
    {
        var selected = phase == CheckPhase.FireTime ? _checks.Where(c => c.RerunAtFireTime) : _checks;
        // Checks are independent; the slow ones (network) overlap instead of queueing behind each other.
        input = input with { Phase = phase };
        var results = await Task.WhenAll(selected.Select(c => c.RunAsync(input, cancellationToken).AsTask()));
        return results.SelectMany(r => r)
            .OrderBy(f => f.Start)
            .ThenByDescending(f => f.Severity)
            .ThenBy(f => f.Rule, StringComparer.Ordinal)
            .ToArray();
    }

    public static Severity? Worst(IEnumerable<Finding> findings) =>
        findings.Select(f => (Severity?)f.Severity).Max();
}
