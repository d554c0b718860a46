namespace Gateway.Tests.Support;

/// <summary>A copy of the shipped rule packs with some files replaced, for tests that need another policy.</summary>
public static class RulesCopy
{
    public static string With(params (string File, string Content)[] files)
    {
        var dir = Path.Combine(Path.GetTempPath(), "crisis-gateway-tests", "rules-" + Guid.NewGuid().ToString("N"));
        foreach (var source in Directory.EnumerateFiles(Paths.Rules, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(dir, Path.GetRelativePath(Paths.Rules, source));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(source, target);
        }
        foreach (var (file, content) in files)
        {
            File.WriteAllText(Path.Combine(dir, file), content);
        }
        return dir;
    }
}
