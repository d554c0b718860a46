namespace Gateway;

/// <summary>A setting the gateway cannot start with; <c>Program</c> prints its message as one line instead of a stack trace.</summary>
public sealed class ConfigurationProblem(string message) : Exception(message);
