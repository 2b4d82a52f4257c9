using Microsoft.AspNetCore.Authorization;

namespace ChargeLedger.Api.Security;

/// <summary>Authorization for a route's audiences; <see cref="ApiRoles.Admin"/> is always among them.</summary>
public static class Audiences
{
    public static AuthorizationPolicy Policy(params string[] roles) =>
        new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()
            .RequireRole([.. roles, ApiRoles.Admin])
            .Build();
}
