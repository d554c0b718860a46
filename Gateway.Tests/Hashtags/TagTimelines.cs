using Gateway.Tests.Fakes;

namespace Gateway.Tests.Hashtags;

/// <summary>What people post under a tag, for the fake instance's tag timelines: a tag that turned, and an ordinary one.</summary>
public static class TagTimelines
{
    public static readonly string[] Shooting =
    [
        "Thoughts with everyone in Springfield after the mass shooting at the mall.",
        "Police confirm the gunman is in custody.",
        "Three people were killed and dozens injured, the mayor says.",
        "Witnesses describe a massacre in the food court.",
        "Vigil tonight for the victims of the shooting spree.",
        "Blood donations needed after the mass shooting.",
    ];

    public static readonly string[] Ordinary =
    [
        "Lovely autumn market today, try the apple cake.",
        "The library opens on Sundays now.",
        "Sunset over the river.",
        "New bakery on Main Street.",
        "Our choir sings on Friday.",
        "Football club won 2-0.",
    ];

    /// <summary>Each text under <paramref name="tag"/>, in English, ten minutes apart going back from now.</summary>
    public static void Seed(this FakeMastodon fake, string tag, IEnumerable<string> texts)
    {
        var i = 0;
        foreach (var text in texts)
        {
            fake.SeedTagged($"{text} #{tag}", "en", DateTimeOffset.UtcNow.AddMinutes(-10 * ++i), tag);
        }
    }
}
