using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Pulang.Web.Hosting;

namespace Pulang.Web.Handlers;

/// <summary>The web app's assets, embedded in the assembly and served the same by both hosts (no CDN).</summary>
public static class AssetHandlers
{
    static readonly Dictionary<string, (string Resource, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["htmx.min.js"] = ("assets/lib/htmx-2.0.11.min.js", "text/javascript; charset=utf-8"),
        ["pico.min.css"] = ("assets/lib/pico-2.1.1.min.css", "text/css; charset=utf-8"),
        ["pulang.css"] = ("assets/pulang.css", "text/css; charset=utf-8"),
        ["pulang.js"] = ("assets/pulang.js", "text/javascript; charset=utf-8"),
    };

    static readonly Dictionary<string, (byte[] Bytes, string ETag)> Loaded = [];

    /// <summary>
    /// <c>GET /assets/{file}</c> (anonymous): <c>htmx.min.js</c> (htmx.org 2.0.11), <c>pico.min.css</c> (@picocss/pico 2.1.1),
    /// <c>pulang.css</c>, <c>pulang.js</c>; with an ETag (304 when unchanged) and <c>Cache-Control: public, max-age=3600</c>. 404 otherwise.
    /// </summary>
    public static IResult Asset(HttpContext http, string file)
    {
        if (!Files.TryGetValue(file, out var entry))
        {
            return Results.NotFound();
        }

        (byte[] Bytes, string ETag) asset;
        lock (Loaded)
        {
            if (!Loaded.TryGetValue(file, out asset))
            {
                using var stream = typeof(AssetHandlers).Assembly.GetManifestResourceStream(entry.Resource)
                    ?? throw new InvalidOperationException($"Embedded asset {entry.Resource} is missing.");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                asset = Loaded[file] = (bytes, $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]}\"");
            }
        }

        WebSecurity.Apply(http.Response);
        http.Response.Headers.CacheControl = "public, max-age=3600";
        http.Response.Headers.ETag = asset.ETag;
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(304);
        }

        return Results.Bytes(asset.Bytes, entry.ContentType);
    }
}
