using System.Text.Json;
using ChargeLedger.Domain.Billing;
using Microsoft.AspNetCore.Diagnostics;

namespace ChargeLedger.Api.Problems;

/// <summary>
/// Turns every exception into a problem response: bad input and rule violations name the field at fault; anything
/// unexpected is a 500 without internals (the exception goes to the log, never to the client).
/// </summary>
public sealed class ApiExceptionHandler(ApiProblems problems, ILogger<ApiExceptionHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, field) = exception switch
        {
            ApiInputException e => (e.Status, e.Status == StatusCodes.Status404NotFound ? "Not found" : "Invalid input", e.Message, e.Field),
            CommandRejectedException e => (StatusCodes.Status422UnprocessableEntity, "Command rejected", e.Reason, e.Field),
            BadHttpRequestException { InnerException: JsonException json } =>
                (StatusCodes.Status400BadRequest, "Malformed JSON body", FirstLine(json.Message), JsonField(json.Path)),
            BadHttpRequestException e when e.StatusCode == StatusCodes.Status413PayloadTooLarge =>
                (e.StatusCode, "Request body too large", e.Message, "body"),
            BadHttpRequestException e => (e.StatusCode, "Bad request", FirstLine(e.Message), (string?)null),
            // A value PostgreSQL cannot store (U+0000) that slipped past input checks is still the client's bad input.
            Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.CharacterNotInRepertoire } =>
                (StatusCodes.Status400BadRequest, "Invalid input", "A value contains U+0000, which is not allowed.", (string?)null),
            Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable } =>
                (StatusCodes.Status503ServiceUnavailable, "Read model not available", "This read model has not been built yet; its projection has not started.", (string?)null),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                (499, "Client closed request", "The request was cancelled.", null),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The request could not be completed; the error was logged.", null),
        };
        if (status >= 500)
        {
            log.LogError(exception, "request {Method} {Path} failed", context.Request.Method, context.Request.Path);
        }
        await problems.WriteAsync(context, status, title, detail, field).ConfigureAwait(false);
        return true;
    }

    private static string JsonField(string? path) => path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    // JsonException messages end with the path and position details on later sentences; the first line is the reason.
    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
