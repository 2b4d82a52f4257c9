using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ChargeLedger.Api.Security;

/// <summary>
/// Declares the API-key scheme in the OpenAPI document (<c>X-Api-Key</c> header) and requires it on every operation
/// whose endpoint needs authorization, naming the audiences, so generated clients send the key.
/// </summary>
public sealed class ApiKeyOpenApi : IOpenApiDocumentTransformer, IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.AddComponent<IOpenApiSecurityScheme>(ApiKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key from `ChargeLedger.Api keys create`; `Authorization: Bearer <key>` works too. Roles: " + string.Join(", ", ApiRoles.All) + ".",
        });
        return Task.CompletedTask;
    }

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<AuthorizationPolicy>().Any() && !metadata.OfType<IAuthorizeData>().Any())
        {
            return Task.CompletedTask;
        }
        var roles = metadata.OfType<AuthorizationPolicy>()
            .SelectMany(p => p.Requirements.OfType<Microsoft.AspNetCore.Authorization.Infrastructure.RolesAuthorizationRequirement>())
            .SelectMany(r => r.AllowedRoles).Distinct(StringComparer.Ordinal).ToList();
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = roles,
        });
        return Task.CompletedTask;
    }
}
