using Microsoft.AspNetCore.Http.HttpResults;

namespace ChargeLedger.Api.Endpoints;

/// <summary>A browsable list of the operations, built in the browser from <c>/openapi/v1.json</c> (no external assets).</summary>
public static class DocsEndpoints
{
    public static IEndpointRouteBuilder MapDocsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Redirect("/docs")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/docs", Page).AllowAnonymous().WithName("Docs").WithTags("Operations");
        return app;
    }

    public static ContentHttpResult Page() => TypedResults.Content(Html, "text/html; charset=utf-8");

    private const string Html = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>ChargeLedger API</title>
        <style>
        body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}
        h2{border-bottom:1px solid #ccc;margin-top:2rem}
        .op{margin:.4rem 0;padding:.4rem .6rem;border-left:4px solid #888;background:#f7f7f7}
        .m{display:inline-block;width:4.5rem;font-weight:bold}
        .GET{border-color:#2a7}.POST{border-color:#27c}
        code{font-size:1rem} small{color:#555}
        </style></head>
        <body><h1>ChargeLedger API</h1>
        <p>Send your key in the <code>X-Api-Key</code> header. Machine-readable description: <a href="/openapi/v1.json">/openapi/v1.json</a>.</p>
        <div id="ops">Loading…</div>
        <script>
        fetch('/openapi/v1.json').then(r => r.json()).then(doc => {
          const groups = {};
          for (const [path, item] of Object.entries(doc.paths || {}))
            for (const [method, op] of Object.entries(item)) {
              if (!op || typeof op !== 'object' || !op.responses) continue;
              const tag = (op.tags && op.tags[0]) || 'Other';
              (groups[tag] = groups[tag] || []).push({ path, method: method.toUpperCase(), op });
            }
          const root = document.getElementById('ops'); root.textContent = '';
          for (const tag of Object.keys(groups).sort()) {
            const h = document.createElement('h2'); h.textContent = tag; root.appendChild(h);
            for (const { path, method, op } of groups[tag]) {
              const div = document.createElement('div'); div.className = 'op ' + method;
              const params = (op.parameters || []).map(p => p.name + (p.in === 'query' ? '?' : '')).join(', ');
              div.innerHTML = '<span class="m"></span><code></code> <small></small>';
              div.children[0].textContent = method; div.children[1].textContent = path;
              div.children[2].textContent = [op.summary || op.operationId || '', params && '(' + params + ')', op.description || ''].filter(Boolean).join(' ');
              root.appendChild(div);
            }
          }
        }).catch(e => { document.getElementById('ops').textContent = 'Could not load the OpenAPI document: ' + e; });
        </script></body></html>
        """;
}
