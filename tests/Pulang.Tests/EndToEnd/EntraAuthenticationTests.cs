using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pulang.Functions.Hosting;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;

namespace Pulang.Tests.EndToEnd;

/// <summary>
/// Both hosts with <c>Pulang:Auth:Authority</c> set, as in Azure (Entra ID), against <see cref="LocalOpenIdProvider"/>: the
/// tokens are validated by <c>Microsoft.AspNetCore.Authentication.JwtBearer</c> with metadata discovery, the app roles
/// become the caller's roles, and expired, forged, wrong-audience, wrong-issuer and missing tokens are refused.
/// </summary>
public sealed class EntraAuthenticationTests(TestStorage storage) : IAsyncLifetime
{
    const string Audience = "api://pulang-test";
    LocalOpenIdProvider provider = null!;

    static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => provider = await LocalOpenIdProvider.StartAsync();

    public async ValueTask DisposeAsync() => await provider.DisposeAsync();

    /// <summary>Each bad token, by name.</summary>
    IEnumerable<(string Name, string Token)> BadTokens() =>
    [
        ("expired", provider.Mint(Audience, "u-expired", [Roles.Reader], lifetime: TimeSpan.FromMinutes(-5))),
        ("forged", provider.Mint(Audience, "u-forged", [Roles.Reader], signingKey: LocalOpenIdProvider.ForeignKey())),
        ("wrong audience", provider.Mint("api://someone-else", "u-aud", [Roles.Reader])),
        ("wrong issuer", provider.Mint(Audience, "u-iss", [Roles.Reader], issuer: "https://login.microsoftonline.com/11111111-1111-4111-8111-111111111111/v2.0")),
        ("not a JWT", "not-a-token"),
    ];

    [Fact]
    public async Task Function_app_validates_entra_tokens_in_the_worker_and_takes_roles_from_app_roles()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["Pulang:Auth:Authority"] = provider.Authority,
            ["Pulang:Auth:Audience"] = Audience,
        }).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(config);
        collection.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        collection.AddPulangFunctions(config);
        await using var services = collection.BuildServiceProvider();
        var middleware = new CallerAuthenticationMiddleware(config);

        async Task<Actor?> CallerOf(string? token)
        {
            await using var scope = services.CreateAsyncScope();
            var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
            if (token is not null)
            {
                http.Request.Headers.Authorization = "Bearer " + token;
            }

            await middleware.AuthenticateAsync(http);
            return CaseEndpoints.ActorOf(http.User);
        }

        var actor = await CallerOf(provider.Mint(Audience, "u-signer", [Roles.P2miSigner, "not-a-pulang-role"]));
        Assert.NotNull(actor);
        Assert.Equal("u-signer", actor.Id);
        Assert.Equal([Roles.P2miSigner], actor.Roles);

        // A machine caller (app-only token) keeps the intake role only, even if granted more.
        var machine = await CallerOf(provider.Mint(Audience, "app-embassy", [Roles.Intake, Roles.P2miSigner], tokenType: "app"));
        Assert.Equal([Roles.Intake], machine!.Roles);

        Assert.Null(await CallerOf(null));
        foreach (var (name, token) in BadTokens())
        {
            Assert.True(await CallerOf(token) is null, $"a {name} token was accepted");
        }
    }

    [Fact]
    public async Task Self_host_with_an_authority_accepts_its_tokens_and_refuses_bad_ones_and_local_ones_with_401()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("entra"), new Dictionary<string, string>
        {
            ["Pulang__Auth__Authority"] = provider.Authority,
            ["Pulang__Auth__Audience"] = Audience,
        });
        await host.StartAsync();

        async Task<(HttpStatusCode Status, string? ContentType, string Body)> GetAsync(string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/cases/PLG-0000000000");
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await host.Client.Http.SendAsync(request, Ct);
            return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Ct));
        }

        // Authenticated and a reader: the unknown case is a 404, so the token got through.
        var (status, _, body) = await GetAsync(provider.Mint(Audience, "u-reader", [Roles.Reader]));
        Assert.True(status == HttpStatusCode.NotFound, body);

        // Authenticated without a Pulang role: 403.
        (status, _, _) = await GetAsync(provider.Mint(Audience, "u-none", ["something-else"]));
        Assert.Equal(HttpStatusCode.Forbidden, status);

        // The local issuer is off when an authority is set.
        var bad = BadTokens().Append(("local issuer", host.Tokens.Mint("bp3mi-reader", [Roles.Reader], TimeSpan.FromMinutes(5)))).Append(("missing", null!));
        foreach (var (name, token) in bad)
        {
            var (s, type, problem) = await GetAsync(token);
            Assert.True(s == HttpStatusCode.Unauthorized, $"{name}: {s} {problem}");
            Assert.Equal("application/problem+json", type);
            Assert.Equal("auth.required", JsonDocument.Parse(problem).RootElement.GetProperty("code").GetString());
        }
    }
}
