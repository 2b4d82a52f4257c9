using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ChargeLedger.Api.Problems;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ChargeLedger.Api.Idempotency;

/// <summary>
/// Makes a command endpoint idempotent under the <c>Idempotency-Key</c> header: the first successful response is
/// stored and a repeat with the same key (same API key, method, path and body) gets it back unchanged, marked with
/// <c>Idempotent-Replayed: true</c>. Failed requests are not stored, so they can be retried with the same key.
/// </summary>
public sealed class IdempotencyFilter(IdempotencyStore store, IOptions<JsonOptions> json) : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private const int MaxKeyLength = 200;
    private static readonly TimeSpan InProgressWait = TimeSpan.FromSeconds(10);

    /// <summary>The Idempotency-Key of the current request, or null; handlers derive their command ids from it.</summary>
    public static string? KeyOf(HttpContext context) =>
        context.Request.Headers.TryGetValue(HeaderName, out var value) && value.ToString() is { Length: > 0 } key ? key : null;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var key = KeyOf(http);
        if (key is null)
        {
            return await next(context).ConfigureAwait(false);
        }
        if (key.Length > MaxKeyLength)
        {
            return ApiProblems.Result(StatusCodes.Status400BadRequest, "Invalid input", $"The key must be at most {MaxKeyLength} characters.", HeaderName);
        }
        var keyId = Guid.Parse(http.User.FindFirstValue(ClaimTypes.NameIdentifier)!);
        var cancellationToken = http.RequestAborted;
        switch (await ClaimAsync(keyId, key, Fingerprint(context), cancellationToken).ConfigureAwait(false))
        {
            case IdempotencyClaim.Replay replay:
                http.Response.Headers[ReplayedHeader] = "true";
                if (replay.Location is not null)
                {
                    http.Response.Headers.Location = replay.Location;
                }
                return TypedResults.Text(replay.Body, "application/json", Encoding.UTF8, replay.StatusCode);
            case IdempotencyClaim.InProgress:
                return ApiProblems.Result(StatusCodes.Status409Conflict, "Request in progress", "A request with this key is still running; retry later.", HeaderName);
            case IdempotencyClaim.Mismatch:
                return ApiProblems.Result(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused",
                    "This key was first used for a different request (method, path or body).", HeaderName);
        }
        object? result;
        try
        {
            result = await next(context).ConfigureAwait(false);
        }
        catch
        {
            await store.ReleaseAsync(keyId, key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
        if (Unwrap(result) is IStatusCodeHttpResult { StatusCode: >= 200 and < 300 } success and IValueHttpResult { Value: { } value })
        {
            var body = JsonSerializer.Serialize(value, value.GetType(), json.Value.SerializerOptions);
            await store.CompleteAsync(keyId, key, success.StatusCode!.Value, LocationOf(success), body, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await store.ReleaseAsync(keyId, key, CancellationToken.None).ConfigureAwait(false);
        }
        return result;
    }

    /// <summary>
    /// Claims the key; a twin request still running (e.g. a client retrying at once) is waited for, so both get the
    /// same response, up to <see cref="InProgressWait"/> (then 409).
    /// </summary>
    private async Task<IdempotencyClaim> ClaimAsync(Guid keyId, string key, byte[] fingerprint, CancellationToken cancellationToken)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var claim = await store.ClaimAsync(keyId, key, fingerprint, cancellationToken).ConfigureAwait(false);
            if (claim is not IdempotencyClaim.InProgress || waited.Elapsed >= InProgressWait)
            {
                return claim;
            }
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>The typed result inside a <c>Results&lt;…&gt;</c> union.</summary>
    public static object? Unwrap(object? result) => result is INestedHttpResult nested ? nested.Result : result;

    private static string? LocationOf(object result) => result.GetType().GetProperty("Location")?.GetValue(result) as string;

    private byte[] Fingerprint(EndpointFilterInvocationContext context)
    {
        var request = context.HttpContext.Request;
        var text = new StringBuilder().Append(request.Method).Append(' ').Append(request.Path).Append(request.QueryString);
        foreach (var argument in context.Arguments)
        {
            // Bound request bodies and route values; services and the HttpContext are not part of the request.
            if (argument is string or int or long or JsonElement || argument?.GetType().Namespace == typeof(Contracts.ItemsPage<>).Namespace)
            {
                text.Append('\n').Append(JsonSerializer.Serialize(argument, argument!.GetType(), json.Value.SerializerOptions));
            }
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }
}
