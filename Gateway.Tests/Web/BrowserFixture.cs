using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Gateway.Accounts;
using Gateway.Tests.Support;
using Gateway.Users;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gateway.Tests.Web;

/// <summary>
/// One real gateway on real loopback HTTP (Kestrel, temp SQLite, real Quartz) and one headless Chromium — Debian's,
/// never a downloaded one — shared by the tests of a class. Each test opens its own browser contexts (cookies apart).
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string DefaultChromium = "/usr/bin/chromium";

    /// <summary>Every context runs in this zone, so <c>datetime-local</c> fields are not read as UTC by accident.</summary>
    public const string TimeZoneId = "Europe/Berlin";

    private static int _prepared;

    public TestGateway Gateway { get; private set; } = null!;

    /// <summary>Where the gateway listens, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : DefaultChromium;

    /// <summary>Full-page screenshots of every page the tests visit: <c>&lt;test&gt;-&lt;step&gt;.png</c>.</summary>
    public static string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        var chromium = ChromiumPath;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {chromium}: install chromium (apt-get install chromium) or set CHROMIUM_PATH.");
        }
        if (Interlocked.Exchange(ref _prepared, 1) == 0)
        {
            // Fresh each run, so the folder shows this run's pages only.
            if (Directory.Exists(ScreenshotDir))
            {
                Directory.Delete(ScreenshotDir, recursive: true);
            }
            Directory.CreateDirectory(ScreenshotDir);
            Assertions.SetDefaultExpectTimeout(20_000);
            Console.WriteLine($"browser tests: screenshots in {ScreenshotDir}");
        }
        Directory.CreateDirectory(ScreenshotDir);

        Gateway = new TestGateway();
        Gateway.UseKestrel(options => options.Listen(System.Net.IPAddress.Loopback, 0));
        Gateway.StartServer();
        var addresses = Gateway.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("The gateway started but reports no http address: " + string.Join(", ", addresses));
        BaseUrl = new Uri(address.TrimEnd('/') + "/");

        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var args = new List<string> { "--disable-dev-shm-usage", "--disable-gpu" };
        if (Environment.UserName == "root")
        {
            // Chromium refuses to start as root with its sandbox on; CI and these machines run as root.
            args.Add("--no-sandbox");
        }
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = args,
            Timeout = 60_000,
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        Playwright?.Dispose();
        Gateway?.Dispose();
    }

    public T Service<T>() where T : notnull => Gateway.Service<T>();

    /// <summary>Creates a user in the store and returns their token.</summary>
    public async Task<string> UserAsync(string name, string role)
    {
        var (_, token) = await Service<UserStore>().CreateAsync(name, role, "test");
        return token;
    }

    /// <summary>Creates a brand account in English on network x with these editors.</summary>
    public Task<Account> AccountAsync(string id, params string[] editors) =>
        Service<AccountStore>().SaveAsync(id, new AccountRequest(id, "x", "brand", "en", editors, null), create: true, "test");

    /// <summary>An API client on the real loopback address with a bearer token.</summary>
    public HttpClient Api(string token)
    {
        var client = new HttpClient { BaseAddress = BaseUrl };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>A fresh browser context (no cookies) signed in through <c>/signin</c> with the token.</summary>
    public async Task<BrowserSession> SignInAsync(string token, string who, [CallerMemberName] string test = "")
    {
        var session = await OpenAsync(who, test);
        await session.SignInAsync(token);
        return session;
    }

    /// <summary>A fresh browser context that has not signed in.</summary>
    public async Task<BrowserSession> OpenAsync(string who, [CallerMemberName] string test = "")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl.ToString(),
            TimezoneId = TimeZoneId,
            Locale = "en-GB",
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        // Generous: CI machines have two cores and may be busy; a passing step never waits this long.
        context.SetDefaultTimeout(30_000);
        context.SetDefaultNavigationTimeout(30_000);
        var page = await context.NewPageAsync();
        return new BrowserSession(context, page, $"{test}-{who}");
    }
}

/// <summary>One person's browser: a context and its page, screenshots numbered by step, dialogs and console errors kept.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly string _prefix;
    private int _step;

    public BrowserSession(IBrowserContext context, IPage page, string prefix)
    {
        Context = context;
        Page = page;
        _prefix = prefix;
        page.Console += (_, message) =>
        {
            // Chromium asks every site for /favicon.ico; the dashboard has none, and that is not a page's error.
            if (message.Type == "error" && !message.Location.Contains("/favicon.ico", StringComparison.Ordinal))
            {
                lock (ConsoleErrors) { ConsoleErrors.Add($"{message.Text} ({message.Location})"); }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (PageErrors) { PageErrors.Add(error); }
        };
        // Every dialog is written down; a confirm (the data-confirm forms) is accepted, anything else dismissed.
        page.Dialog += async (_, dialog) =>
        {
            lock (Dialogs) { Dialogs.Add($"{dialog.Type}: {dialog.Message}"); }
            if (dialog.Type == DialogType.Confirm)
            {
                await dialog.AcceptAsync();
            }
            else
            {
                await dialog.DismissAsync();
            }
        };
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    public List<string> PageErrors { get; } = [];

    public List<string> Dialogs { get; } = [];

    public ILocator Locator(string selector) => Page.Locator(selector);

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });

    /// <summary>Opens a path, asserts a 2xx answer, saves a screenshot.</summary>
    public async Task<IResponse> GotoAsync(string path, string? step = null)
    {
        var response = await Page.GotoAsync(path) ?? throw new InvalidOperationException($"GET {path}: no response");
        Assert.True(response.Ok, $"GET {path} answered {response.Status} at {Page.Url}");
        await ShotAsync(step ?? Slug(path));
        return response;
    }

    public async Task SignInAsync(string token)
    {
        await GotoAsync("/signin", "signin");
        await Page.Locator("#token").FillAsync(token);
        var answer = await Page.RunAndWaitForResponseAsync(
            () => Button("Sign in").ClickAsync(),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/signin");
        try
        {
            await Page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/signin", StringComparison.Ordinal));
        }
        catch (TimeoutException e)
        {
            await ShotAsync("signin-failed");
            var text = await Page.Locator("main").InnerTextAsync();
            throw new InvalidOperationException($"Sign-in answered {answer.Status}, still at {Page.Url}: {text}", e);
        }
        await ShotAsync("signed-in");
    }

    /// <summary>A full-page screenshot named <c>&lt;test&gt;-&lt;who&gt;-NN-&lt;step&gt;.png</c>.</summary>
    public async Task ShotAsync(string step)
    {
        var name = $"{_prefix}-{Interlocked.Increment(ref _step):00}-{Slug(step)}.png";
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(BrowserFixture.ScreenshotDir, name), FullPage = true });
    }

    /// <summary>The path of the page shown now, e.g. <c>/posts/abc</c>.</summary>
    public string PathNow => new Uri(Page.Url).AbsolutePath;

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private static string Slug(string text)
    {
        var slug = new string(text.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray()).Trim('-');
        while (slug.Contains("--", StringComparison.Ordinal))
        {
            slug = slug.Replace("--", "-", StringComparison.Ordinal);
        }
        return slug.Length == 0 ? "root" : slug.Length > 40 ? slug[..40] : slug;
    }
}
