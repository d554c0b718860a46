using Gateway.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages.Admin;

/// <summary>The accounts posts go to: who may write for each, and how its posts leave the gateway.</summary>
public sealed class AccountsModel(AccountStore accounts, ConnectFlow connect, Rules.Checks.NetworkLimits limits) : GatewayPage
{
    public static readonly IReadOnlyList<string> Kinds = [Account.Brand, Account.Personal];

    public static IReadOnlyList<string> PublisherTypes => PublisherSettings.Types;

    /// <summary>The networks an outbox or webhook account may stand for: those the gateway knows limits of.</summary>
    public IReadOnlyList<string> Networks => [.. PublisherSettings.Networks.Union(limits.Networks, StringComparer.OrdinalIgnoreCase).Append("outbox")];

    /// <summary>A failed connection attempt, carried over the redirect from the network (see ConnectEndpoints).</summary>
    [TempData]
    public string? ConnectError { get; set; }

    public bool CanAuthorize(Account account) => connect.CanAuthorize(account);

    /// <summary>The id of the account being edited (<c>?edit=</c>); empty means the form creates a new one.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Edit { get; set; }

    [BindProperty]
    public AccountForm Form { get; set; } = new();

    public IReadOnlyList<Account> Accounts { get; private set; } = [];

    public bool Editing => !string.IsNullOrEmpty(Edit);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Error ??= ConnectError;
        if (Editing)
        {
            var account = Accounts.FirstOrDefault(a => a.Id == Edit);
            if (account is null)
            {
                Error = $"No account with id '{Edit}'.";
                Response.StatusCode = StatusCodes.Status404NotFound;
                Edit = null;
                return Page();
            }
            Form = AccountForm.From(account);
        }
        return Page();
    }

    public Task<IActionResult> OnPostCreateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        Edit = null;
        var saved = await accounts.SaveAsync(Form.Id ?? "", Form.ToRequest(), create: true, Me.Name, ct);
        return Done(NoticeKind.Success, $"Account '{saved.Id}' created.", "/Admin/Accounts");
    }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostUpdateAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        Form.Id = Edit;
        var saved = await accounts.SaveAsync(Edit ?? "", Form.ToRequest(), create: false, Me.Name, ct);
        return Done(NoticeKind.Success, $"Account '{saved.Id}' saved.", "/Admin/Accounts");
    }, () => LoadAsync(ct));

    public Task<IActionResult> OnPostTestAsync(CancellationToken ct) => AttemptAsync(async () =>
    {
        var identity = await connect.TestAsync(Edit ?? "", ct);
        return Done(NoticeKind.Success, $"Account '{Edit}' is connected as {identity}.", "/Admin/Accounts", new { edit = Edit });
    }, async () =>
    {
        await LoadAsync(ct);
        if (Accounts.FirstOrDefault(a => a.Id == Edit) is { } account)
        {
            Form = AccountForm.From(account);
        }
    });

    private async Task LoadAsync(CancellationToken ct) => Accounts = await accounts.ListAsync(ct);

    /// <summary>What the form sends; editors, names, phones and domains are typed as comma-separated lines.</summary>
    public sealed class AccountForm
    {
        public string? Id { get; set; }
        public string? Network { get; set; }
        public string? Kind { get; set; } = Account.Brand;
        public string? Language { get; set; }
        public string? Editors { get; set; }
        public string? PublisherType { get; set; } = PublisherSettings.Outbox;
        public string? WebhookUrl { get; set; }
        public string? Instance { get; set; }
        public string? Service { get; set; }
        public string? Handle { get; set; }
        public string? Author { get; set; }
        public string? AccountHandle { get; set; }
        public string? BrandNames { get; set; }
        public string? Region { get; set; }
        public string? Phones { get; set; }
        public string? Domains { get; set; }

        /// <summary>A pasted token or app password; never filled in from the stored one.</summary>
        public string? Secret { get; set; }

        public AccountRequest ToRequest() => new(
            Id,
            // The network select is only for stand-ins; a network publisher names its own.
            PublisherSettings.Networks.Contains(PublisherType ?? "") ? null : Network,
            Kind,
            Language,
            List(Editors),
            new PublisherRequest(
                PublisherType ?? PublisherSettings.Outbox,
                Url: Blank(WebhookUrl),
                Instance: Blank(Instance),
                Service: Blank(Service),
                Handle: Blank(Handle),
                Author: Blank(Author),
                AccessToken: PublisherType == PublisherSettings.Bluesky ? null : Blank(Secret),
                AppPassword: PublisherType == PublisherSettings.Bluesky ? Blank(Secret) : null),
            Handle: Blank(AccountHandle),
            Names: List(BrandNames),
            Region: Blank(Region),
            Phones: List(Phones),
            Domains: List(Domains));

        private static string[] List(string? line) =>
            (line ?? "").Split([',', ';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

        public static AccountForm From(Account account) => new()
        {
            Id = account.Id,
            Network = account.Network,
            Kind = account.Kind,
            Language = account.Language,
            Editors = string.Join(", ", account.Editors),
            PublisherType = account.Publisher.Type,
            WebhookUrl = account.Publisher.Url,
            Instance = account.Publisher.Instance,
            Service = account.Publisher.Service,
            Handle = account.Publisher.Handle,
            Author = account.Publisher.Author,
            AccountHandle = account.Identity.Handle,
            BrandNames = string.Join(", ", account.Identity.Names),
            Region = account.Identity.Region,
            Phones = string.Join(", ", account.Identity.Phones),
            Domains = string.Join(", ", account.Identity.Domains),
        };
    }
}
