using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ChargeLedger.Api.Problems;

/// <summary>
/// RFC 9457 problem details for every error, naming the input at fault in the <c>field</c> extension (and in
/// <c>errors</c>, the shape ASP.NET Core validation problems use), so a client can point at what to fix.
/// </summary>
public sealed class ApiProblems(IProblemDetailsService service)
{
    public static ProblemDetails Create(int status, string title, string detail, string? field)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [detail] };
        }
        return problem;
    }

    public static ProblemHttpResult Result(int status, string title, string detail, string? field = null) =>
        TypedResults.Problem(Create(status, title, detail, field));

    public static ProblemHttpResult NotFound(string field, string detail) =>
        Result(StatusCodes.Status404NotFound, "Not found", detail, field);

    public Task WriteAsync(HttpContext context, int status, string title, string detail, string? field)
    {
        context.Response.StatusCode = status;
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = Create(status, title, detail, field) }).AsTask();
    }
}

/// <summary>Bad input found while reading a request: becomes a problem response with the field at fault.</summary>
public sealed class ApiInputException(string field, string detail, int status = StatusCodes.Status400BadRequest) : Exception(detail)
{
    public string Field { get; } = field;

    public int Status { get; } = status;
}
