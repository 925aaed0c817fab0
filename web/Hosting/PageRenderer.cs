using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pulang.Web.Hosting;

/// <summary>
/// Renders a Razor component to HTML with <see cref="HtmlRenderer"/> (static rendering: no circuit, no
/// <c>blazor.web.js</c>, no WebAssembly), the one renderer of every page and fragment in both hosts. Components get all
/// they show as parameters (no injected services), so a page is a pure function of its model.
/// </summary>
public static class PageRenderer
{
    /// <summary>Renders <typeparamref name="TComponent"/> with <paramref name="parameters"/> to an HTML string.</summary>
    public static async Task<string> RenderAsync<TComponent>(IServiceProvider services, IDictionary<string, object?> parameters) where TComponent : IComponent
    {
        var logging = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        await using var renderer = new HtmlRenderer(services, logging);
        return await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var output = await renderer.RenderComponentAsync<TComponent>(ParameterView.FromDictionary(parameters));
            return output.ToHtmlString();
        });
    }

    /// <summary>A page or fragment as an <see cref="HtmlResult"/> with <paramref name="status"/>.</summary>
    public static async Task<IResult> PageAsync<TComponent>(HttpContext http, IDictionary<string, object?> parameters, int status = 200) where TComponent : IComponent =>
        new HtmlResult(await RenderAsync<TComponent>(http.RequestServices, parameters), status);
}
