using Gateway;
using Gateway.Cli;

if (args.Length > 0 && CommandLine.Handles(args[0]))
{
    return await CommandLine.RunAsync(args);
}

try
{
    await GatewayHost.Build(args).RunAsync();
    return 0;
}
catch (Gateway.Rules.RuleFileException e)
{
    Console.Error.WriteLine($"crisis-gateway: {e.Message}");
    return 1;
}
catch (ConfigurationProblem e)
{
    Console.Error.WriteLine($"crisis-gateway: {e.Message}");
    return 1;
}

public partial class Program;
