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
        return Merge(input.Body, results.SelectMany(r => r), input.TextAt);
    }

    /// <summary>
    /// One finding per problem, in a stable order (position, then worst first, then rule id):
    /// overlapping findings of the same rule become one finding over their union at the highest severity
    /// (its message and evidence are those of the most severe hit); findings of different rules on exactly the
    /// same span become one at the highest severity, naming the other rules in <c>evidence["also"]</c>.
    /// </summary>
    /// Findings in different texts (<see cref="Finding.Location"/>: the body, an alt text) never merge; <paramref name="textAt"/>
    /// gives the text of a location (default: the body only).
    public static IReadOnlyList<Finding> Merge(string body, IEnumerable<Finding> findings, Func<string?, string>? textAt = null)
    {
        var merged = new List<Finding>();
        foreach (var byRule in findings.GroupBy(f => (f.Rule, f.Location)))
        {
            var text = byRule.Key.Location is null ? body : textAt?.Invoke(byRule.Key.Location) ?? "";
            Finding? current = null;
            foreach (var finding in byRule.OrderBy(f => f.Start).ThenByDescending(f => f.Length).ThenByDescending(f => f.Severity))
            {
                if (current is not null && finding.Start < current.End)
                {
                    var end = Math.Max(current.End, finding.End);
                    var top = finding.Severity > current.Severity ? finding : current;
                    current = top with { Start = current.Start, Length = end - current.Start, Match = Slice(text, current.Start, end) };
                    continue;
                }
                if (current is not null)
                {
                    merged.Add(current);
                }
                current = finding;
            }
            if (current is not null)
            {
                merged.Add(current);
            }
        }

        var result = new List<Finding>();
        foreach (var sameSpan in merged.GroupBy(f => (f.Location, f.Start, f.Length)))
        {
            var ordered = sameSpan.OrderByDescending(f => f.Severity).ThenBy(f => f.Rule, StringComparer.Ordinal).ToArray();
            if (ordered.Length == 1)
            {
                result.Add(ordered[0]);
                continue;
            }
            var top = ordered[0];
            var evidence = new Dictionary<string, string>(top.Evidence ?? new Dictionary<string, string>())
            {
                ["also"] = string.Join(",", ordered.Skip(1).Select(f => f.Rule)),
            };
            var message = top.Message + " Also: " + string.Join(" ", ordered.Skip(1).Select(f => f.Message));
            result.Add(top with { Message = message, Evidence = evidence });
        }
        return result
            .OrderBy(f => f.Location is not null)
            .ThenBy(f => f.Location, StringComparer.Ordinal)
            .ThenBy(f => f.Start)
            .ThenByDescending(f => f.Severity)
            .ThenBy(f => f.Rule, StringComparer.Ordinal)
            .ThenBy(f => f.Length)
            .ToArray();
    }

    private static string Slice(string body, int start, int end) =>
        start >= 0 && end <= body.Length && start <= end ? body[start..end] : "";

    public static Severity? Worst(IEnumerable<Finding> findings) =>
        findings.Select(f => (Severity?)f.Severity).Max();
}
