using Gateway.Accounts;
using Microsoft.AspNetCore.Mvc;

namespace Gateway.Web.Pages.Admin;

/// <summary>Where a network sends the admin back after consent, with the code and the state of <see cref="ConnectModel"/>.</summary>
public sealed class ConnectCallbackModel(ConnectFlow flow) : GatewayPage
{
    public async Task<IActionResult> OnGetAsync(string? state, string? code, string? error, CancellationToken ct)
    {
        try
        {
            var account = await flow.CompleteAsync(state, code, error, Me, ct);
            return account.Connection.Identity is { } identity
                ? Done(NoticeKind.Success, $"Account '{account.Id}' connected as {identity}.", "/Admin/Accounts", new { edit = account.Id })
                : Done(NoticeKind.Warning, $"Account '{account.Id}' connected; its first test did not answer: use “Test connection”.", "/Admin/Accounts", new { edit = account.Id });
        }
        catch (ProblemException e)
        {
            TempData["ConnectError"] = e.Detail;
            return RedirectToPage("/Admin/Accounts");
        }
    }
}
