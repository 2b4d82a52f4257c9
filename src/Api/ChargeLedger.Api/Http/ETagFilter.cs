using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace ChargeLedger.Api.Http;

/// <summary>
/// Strong ETags for read-model responses, computed from the JSON body; a matching <c>If-None-Match</c> gets
/// 304 Not Modified without a body.
/// </summary>
public sealed class ETagFilter(IOptions<JsonOptions> json) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = Idempotency.IdempotencyFilter.Unwrap(await next(context).ConfigureAwait(false));
        if (result is not IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } || result is not IValueHttpResult { Value: { } value })
        {
            return result;
        }
        var body = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions);
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(body).AsSpan(0, 16)) + "\"";
        var http = context.HttpContext;
        http.Response.Headers.ETag = etag;
        if (Matches(http.Request.Headers.IfNoneMatch.ToString(), etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static bool Matches(string ifNoneMatch, string etag) =>
        ifNoneMatch.Length > 0 && ifNoneMatch.Split(',').Select(t => t.Trim()).Any(t => t == "*" || t == etag || t == "W/" + etag);
}
