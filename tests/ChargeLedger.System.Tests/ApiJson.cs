using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChargeLedger.System.Tests;

public static class ApiJson
{
    /// <summary>GET as JSON; null while the resource is not there yet (404) or its read model is not built yet (503).</summary>
    public static async Task<JsonElement?> GetOrNullAsync(this HttpClient api, string path)
    {
        ArgumentNullException.ThrowIfNull(api);
        using var response = await api.GetAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.ServiceUnavailable)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>().ConfigureAwait(false);
    }
}
