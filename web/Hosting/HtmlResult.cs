using System.Text;
using Microsoft.AspNetCore.Http;

namespace Pulang.Web.Hosting;

/// <summary>An HTML page or fragment (<c>text/html; charset=utf-8</c>) with the web app's security headers and <c>Cache-Control: no-store</c>.</summary>
/// <param name="Html">The markup.</param>
/// <param name="Status">HTTP status (200, or the refusal's 4xx when a page shows why an action was refused).</param>
public sealed record HtmlResult(string Html, int Status = 200) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    int? IStatusCodeHttpResult.StatusCode => Status;

    /// <inheritdoc/>
    public string ContentType => "text/html; charset=utf-8";

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        WebSecurity.Apply(response);
        response.StatusCode = Status;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        var bytes = Encoding.UTF8.GetBytes(Html);
        response.ContentLength = bytes.Length;
        await response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}
