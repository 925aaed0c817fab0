using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Pulang.Functions.Hosting;

// Pulang as Durable Functions: the ASP.NET Core integration (HttpRequest in, IResult out, as the shared
// handlers expect), the shared services, and the caller of a validated bearer token as HttpContext.User.
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<CallerAuthenticationMiddleware>();
builder.UseMiddleware<RateLimitMiddleware>();
builder.Services.AddPulangFunctions(builder.Configuration);
builder.Build().Run();
