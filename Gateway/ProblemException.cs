using Microsoft.AspNetCore.Http;

namespace Gateway;

/// <summary>
/// A request the gateway refuses, with words a person understands. The API turns it into RFC 7807 problem
/// details and the command line into one line on stderr.
/// </summary>
public sealed class ProblemException(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string Detail { get; } = detail;

    public static ProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);
    public static ProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
    public static ProblemException Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Forbidden", detail);
    public static ProblemException Conflict(string detail) => new(StatusCodes.Status409Conflict, "Conflict", detail);

    /// <summary>A social network could not be reached or failed: the request was fine, the network was not.</summary>
    public static ProblemException BadGateway(string detail) => new(StatusCodes.Status502BadGateway, "Network unavailable", detail);
}
