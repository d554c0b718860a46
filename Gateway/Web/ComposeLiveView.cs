using Gateway.Accounts;
using Gateway.Rules;

namespace Gateway.Web;

/// <summary>What the compose page shows as the editor types: for each chosen account its findings, counter and network preview.</summary>
public sealed record ComposeLiveView(string Body, IReadOnlyList<ComposeTarget> Targets, string? Message = null);

/// <summary>One account a post is being written for; <see cref="Error"/> when its checks could not run (why, in the service's words).</summary>
public sealed record ComposeTarget(Account Account, IReadOnlyList<Finding> Findings, NetworkPreview? Preview, string? Error = null);
