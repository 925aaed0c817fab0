using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Functions.Hosting;
using Pulang.Functions.Triggers;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Functions;

/// <summary>
/// The Function App's own answer to callers it cannot trust, as Azure serves it now that App Service Authentication is
/// off (infra/main.bicep): the worker's <see cref="CallerAuthenticationMiddleware"/> runs through
/// <c>IFunctionsWorkerMiddleware.Invoke</c> with the invocation's <see cref="HttpContext"/>, then the real HTTP
/// trigger (<see cref="HttpTriggers.GetCase"/>) answers. Tokens come from <see cref="LocalOpenIdProvider"/> (Entra ID's
/// shape, real metadata discovery). API calls stop at 401 or 403 before storage; pages with a form reach the real Azurite
/// for the anti-forgery key ring (<c>BlobKeyRing</c>).
/// </summary>
public sealed class FunctionsAuthenticationTests(TestStorage storage) : IAsyncLifetime
{
    const string Audience = "api://pulang-functions-test";
    LocalOpenIdProvider provider = null!;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => provider = await LocalOpenIdProvider.StartAsync();

    public async ValueTask DisposeAsync() => await provider.DisposeAsync();

    /// <summary>The Function App's services and middleware for <paramref name="settings"/>, on the test Azurite.</summary>
    (ServiceProvider Services, CallerAuthenticationMiddleware Middleware, List<string> Warnings) Worker(Dictionary<string, string?> settings)
    {
        settings["AzureWebJobsStorage"] = storage.ConnectionString;
        var config = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var warnings = new List<string>();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(config);
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddProvider(new ListLoggerProvider(warnings)));
        collection.AddPulangFunctions(config);
        collection.AddSingleton<CallerAuthenticationMiddleware>();
        var services = collection.BuildServiceProvider();
        return (services, services.GetRequiredService<CallerAuthenticationMiddleware>(), warnings);
    }

    /// <summary>One invocation of <c>GET /api/cases/PLG-0000000000</c> through the middleware and the trigger.</summary>
    static async Task<(int Status, string? ContentType, JsonElement Problem)> GetCaseAsync(ServiceProvider services, CallerAuthenticationMiddleware middleware, Action<HttpRequest> prepare)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = "GET";
        http.Request.Path = "/api/cases/PLG-0000000000";
        prepare(http.Request);
        var body = new MemoryStream();
        http.Response.Body = body;
        var context = new HttpFunctionContext(scope.ServiceProvider, http);

        await middleware.Invoke(context, async _ =>
        {
            var result = await HttpTriggers.GetCase(http.Request, "PLG-0000000000", null!);
            await result.ExecuteAsync(http);
        });

        var text = Encoding.UTF8.GetString(body.ToArray());
        return (http.Response.StatusCode, http.Response.ContentType?.Split(';')[0], text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Missing_expired_forged_and_wrong_audience_tokens_get_401_problem_details_from_the_worker()
    {
        var (services, middleware, _) = Worker(new()
        {
            ["Pulang:Auth:Authority"] = provider.Authority,
            ["Pulang:Auth:Audience"] = Audience,
        });
        await using var _ = services;

        // A valid token gets through authentication: without a Pulang role the trigger answers 403, not 401.
        var (status, _, problem) = await GetCaseAsync(services, middleware, r => r.Headers.Authorization = "Bearer " + provider.Mint(Audience, "u-none", ["not-a-pulang-role"]));
        Assert.Equal(403, status);
        Assert.Equal("role.required", problem.GetProperty("code").GetString());

        (string Name, string? Token)[] bad =
        [
            ("missing", null),
            ("expired", provider.Mint(Audience, "u-expired", [Roles.Reader], lifetime: TimeSpan.FromMinutes(-5))),
            ("wrongly signed", provider.Mint(Audience, "u-forged", [Roles.Reader], signingKey: LocalOpenIdProvider.ForeignKey())),
            ("wrong audience", provider.Mint("api://someone-else", "u-aud", [Roles.Reader])),
        ];
        foreach (var (name, token) in bad)
        {
            (status, var type, problem) = await GetCaseAsync(services, middleware, r =>
            {
                if (token is not null) r.Headers.Authorization = "Bearer " + token;
            });
            Assert.True(status == 401, $"{name}: {status}");
            Assert.Equal("application/problem+json", type);
            Assert.Equal("auth.required", problem.GetProperty("code").GetString());
            Assert.Equal("urn:pulang:problem:auth.required", problem.GetProperty("type").GetString());
        }
    }

    [Fact]
    public async Task A_forged_client_principal_header_is_ignored_unless_trusted_and_never_trusted_in_azure()
    {
        // What anyone could send once App Service Authentication is off: a principal of their own making. It carries no
        // Pulang role, so a header taken as the caller shows as 403 role.required (no storage needed) and an ignored one as 401.
        var json = """{"auth_typ":"aad","claims":[{"typ":"http://schemas.microsoft.com/identity/claims/objectidentifier","val":"u-forger"},{"typ":"roles","val":"not-a-pulang-role"}]}""";
        var forged = Convert.ToBase64String(Encoding.UTF8.GetBytes(json));
        void Forge(HttpRequest r) => r.Headers[CallerAuthenticationMiddleware.PrincipalHeader] = forged;

        // Not trusted (the default, and Azure's settings with or without a bearer token): 401.
        var cases = new (string Name, Dictionary<string, string?> Settings, bool Trusted)[]
        {
            ("default", new(), false),
            ("Entra ID configured", new() { ["Pulang:Auth:Authority"] = provider.Authority, ["Pulang:Auth:Audience"] = Audience }, false),
            ("trusted but in Azure", new() { ["Pulang:Auth:TrustClientPrincipalHeader"] = "true", ["WEBSITE_INSTANCE_ID"] = "0123456789abcdef" }, false),
            ("trusted in Azure with App Service Authentication said on", new() { ["Pulang:Auth:TrustClientPrincipalHeader"] = "true", ["WEBSITE_INSTANCE_ID"] = "0123456789abcdef", ["WEBSITE_AUTH_ENABLED"] = "True" }, false),
            ("App Service Authentication said on", new() { ["WEBSITE_AUTH_ENABLED"] = "True" }, false),
            ("trusted but not in the Development environment", new() { ["Pulang:Auth:TrustClientPrincipalHeader"] = "true" }, false),
            ("trusted but in Azure in Development", new() { ["Pulang:Auth:TrustClientPrincipalHeader"] = "true", ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development", ["WEBSITE_INSTANCE_ID"] = "0123456789abcdef" }, false),
            // Locally (func start sets Development), asked for: the header is the caller (authenticated, no Pulang role: 403).
            ("trusted locally", new() { ["Pulang:Auth:TrustClientPrincipalHeader"] = "true", ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Development" }, true),
        };
        foreach (var (name, settings, trusted) in cases)
        {
            var (services, middleware, warnings) = Worker(settings);
            await using var _ = services;
            Assert.Equal(trusted, middleware.TrustsPrincipalHeader);
            var (status, type, problem) = await GetCaseAsync(services, middleware, Forge);
            Assert.True(status == (trusted ? 403 : 401), $"{name}: {status}");
            Assert.Equal("application/problem+json", type);
            Assert.Equal(trusted ? "role.required" : "auth.required", problem.GetProperty("code").GetString());
            if (name.StartsWith("trusted in", StringComparison.Ordinal) || name.StartsWith("trusted but", StringComparison.Ordinal))
            {
                Assert.Contains(warnings, w => w.Contains("TrustClientPrincipalHeader", StringComparison.Ordinal) && w.Contains("ignored", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task The_web_apps_session_cookie_signs_a_person_in_on_pages_and_never_on_the_api()
    {
        var (services, middleware, _) = Worker(new()
        {
            ["Pulang:Auth:Authority"] = provider.Authority,
            ["Pulang:Auth:Audience"] = Audience,
        });
        await using var _ = services;
        // A valid token without a Pulang role: a page it signs in to answers 403 (authenticated), not the sign-in redirect.
        var session = $"{Pulang.Web.Hosting.WebRequest.SessionCookie}={provider.Mint(Audience, "u-cookie", ["not-a-pulang-role"])}";

        async Task<int> PageAsync(string? cookie)
        {
            await using var scope = services.CreateAsyncScope();
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Request.Method = "GET";
            http.Request.Path = "/";
            if (cookie is not null) http.Request.Headers.Cookie = cookie;
            http.Response.Body = new MemoryStream();
            await middleware.Invoke(new HttpFunctionContext(scope.ServiceProvider, http), async _ =>
                await (await WebTriggers.Inbox(http.Request, null!)).ExecuteAsync(http));
            return http.Response.StatusCode;
        }

        Assert.Equal(403, await PageAsync(session));
        Assert.Equal(302, await PageAsync(null));
        var forged = $"{Pulang.Web.Hosting.WebRequest.SessionCookie}={provider.Mint(Audience, "u-forged", [Roles.Reader], signingKey: LocalOpenIdProvider.ForeignKey())}";
        Assert.Equal(302, await PageAsync(forged));

        // The same cookie on an API call authenticates nothing: the API takes bearer tokens only.
        var (status, _, problem) = await GetCaseAsync(services, middleware, r => r.Headers.Cookie = session);
        Assert.Equal(401, status);
        Assert.Equal("auth.required", problem.GetProperty("code").GetString());
    }

    [Fact]
    public async Task With_app_service_authentication_on_people_sign_in_there_and_reach_the_pages_as_the_platforms_principal_never_the_api()
    {
        static string Principal(params string[] roles) => Convert.ToBase64String(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new
        {
            auth_typ = "aad",
            claims = roles.Select(r => new { typ = "roles", val = r })
                .Prepend(new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = "0b5e0000-0000-4000-8000-0000000000a1" }),
        })));

        var azure = new Dictionary<string, string?>
        {
            ["Pulang:Auth:Authority"] = provider.Authority,
            ["Pulang:Auth:Audience"] = Audience,
            ["WEBSITE_INSTANCE_ID"] = "0123456789abcdef",
            [AppServiceSignIn.EnabledSetting] = "True",
        };
        var (services, middleware, _) = Worker(azure);
        await using var worker = services;
        Assert.True(middleware.TrustsPlatformPrincipalOnPages);
        Assert.False(middleware.TrustsPrincipalHeader);

        async Task<(int Status, string Body, HttpResponse Response)> PageAsync(ServiceProvider on, CallerAuthenticationMiddleware with, Func<HttpRequest, Task<IResult>> trigger, string path, string? principal)
        {
            await using var scope = on.CreateAsyncScope();
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Request.Method = "GET";
            http.Request.Path = path;
            if (principal is not null) http.Request.Headers[CallerAuthenticationMiddleware.PrincipalHeader] = principal;
            var body = new MemoryStream();
            http.Response.Body = body;
            await with.Invoke(new HttpFunctionContext(scope.ServiceProvider, http), async _ => await (await trigger(http.Request)).ExecuteAsync(http));
            return (http.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()), http.Response);
        }

        // The sign-in page offers the platform's sign-in (no demo users), and its CSP lets the form's redirect reach the provider.
        var (status, html, response) = await PageAsync(services, middleware, r => WebTriggers.SignInPage(r, null!), "/signin", null);
        Assert.Equal(200, status);
        Assert.Contains("action=\"/signin/external\"", html);
        Assert.DoesNotContain("name=\"user\"", html);
        Assert.Contains($"form-action 'self' {new Uri(provider.Authority).GetLeftPart(UriPartial.Authority)};", response.Headers.ContentSecurityPolicy.ToString());

        // A person the platform signed in without a Pulang role for people: the page answers 403 with what to ask for (the
        // header was taken); with the intake role only, the same.
        (status, html, _) = await PageAsync(services, middleware, r => WebTriggers.Inbox(r, null!), "/", Principal("Mail.Read"));
        Assert.Equal(403, status);
        Assert.Contains("Akun Anda belum memiliki peran Pulang", html);
        (status, _, _) = await PageAsync(services, middleware, r => WebTriggers.Inbox(r, null!), "/", Principal(Roles.Intake));
        Assert.Equal(403, status);

        // A verifier: the caller of the pages, with the roles from the ID token and the object ID as the ID.
        await using (var scope = services.CreateAsyncScope())
        {
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            http.Request.Path = "/cases";
            http.Request.Headers[CallerAuthenticationMiddleware.PrincipalHeader] = Principal(Roles.Verifier);
            await middleware.AuthenticateAsync(http);
            var actor = Pulang.Workflows.Http.CaseEndpoints.ActorOf(http.User);
            Assert.NotNull(actor);
            Assert.Equal("0b5e0000-0000-4000-8000-0000000000a1", actor.Id);
            Assert.Equal([Roles.Verifier], actor.Roles);
        }

        // Never on the API (excluded from the platform's authentication in the Bicep): bearer tokens only, 401 without one.
        var (apiStatus, _, problem) = await GetCaseAsync(services, middleware, r => r.Headers[CallerAuthenticationMiddleware.PrincipalHeader] = Principal(Roles.Admin));
        Assert.Equal(401, apiStatus);
        Assert.Equal("auth.required", problem.GetProperty("code").GetString());

        // Without the platform's setting the header is anyone's: not taken, the page sends to the sign-in page.
        azure.Remove(AppServiceSignIn.EnabledSetting);
        var (plain, plainMiddleware, _) = Worker(azure);
        await using var plainWorker = plain;
        (status, _, _) = await PageAsync(plain, plainMiddleware, r => WebTriggers.Inbox(r, null!), "/", Principal("Mail.Read"));
        Assert.Equal(302, status);

        // Sign-in and sign-out go to the platform's endpoints.
        var signIn = AppServiceSignIn.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Pulang:Auth:Authority"] = "https://login.microsoftonline.com/tenant/v2.0" }).Build());
        Assert.Equal("https://login.microsoftonline.com", signIn.Origin);
        foreach (var (action, location) in new (Func<HttpContext, IResult>, string)[] { (h => signIn.SignIn(h, "/"), "/.auth/login/aad?post_login_redirect_uri=%2F"), (signIn.SignOut, "/.auth/logout?post_logout_redirect_uri=%2Fsignin%3Fsignedout%3D1") })
        {
            var http = new DefaultHttpContext { RequestServices = services };
            await action(http).ExecuteAsync(http);
            Assert.Equal(303, http.Response.StatusCode);
            Assert.Equal(location, http.Response.Headers.Location.ToString());
        }
    }

    /// <summary>A FunctionContext carrying the invocation's HttpContext where the ASP.NET Core integration puts it.</summary>
    sealed class HttpFunctionContext : FunctionContext
    {
        public HttpFunctionContext(IServiceProvider services, HttpContext http)
        {
            InstanceServices = services;
            Items = new Dictionary<object, object> { ["HttpRequestContext"] = http };
        }

        public override string InvocationId { get; } = Guid.NewGuid().ToString();
        public override string FunctionId => "GetCase";
        public override TraceContext TraceContext => throw new NotSupportedException();
        public override BindingContext BindingContext => throw new NotSupportedException();
        public override RetryContext RetryContext => throw new NotSupportedException();
        public override IServiceProvider InstanceServices { get; set; }
        public override FunctionDefinition FunctionDefinition => throw new NotSupportedException();
        public override IDictionary<object, object> Items { get; set; }
        public override IInvocationFeatures Features => throw new NotSupportedException();
        public override CancellationToken CancellationToken => Ct;
    }

    sealed class ListLoggerProvider(List<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        sealed class ListLogger(List<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines) lines.Add(formatter(state, exception));
            }
        }
    }
}
