using System.Text.Json;
using Pulang.Tests.Infrastructure;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Functions;

/// <summary><c>infra/entra-app.json</c>, the Entra app registration <c>scripts/entra-app.sh</c> applies, against the code's roles.</summary>
public sealed class EntraAppManifestTests
{
    [Fact]
    public void App_roles_are_exactly_pulangs_roles_with_stable_ids_and_only_intake_open_to_applications()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "infra", "entra-app.json")));
        var roles = json.RootElement.GetProperty("appRoles").EnumerateArray().ToList();

        Assert.Equal(Roles.All.Order(), roles.Select(r => r.GetProperty("value").GetString()!).Order());
        Assert.Equal(roles.Count, roles.Select(r => Guid.Parse(r.GetProperty("id").GetString()!)).Distinct().Count());
        foreach (var role in roles)
        {
            var value = role.GetProperty("value").GetString();
            var members = role.GetProperty("allowedMemberTypes").EnumerateArray().Select(m => m.GetString()).ToList();
            Assert.Contains("User", members);
            Assert.Equal(value == Roles.Intake, members.Contains("Application"));
            Assert.True(role.GetProperty("isEnabled").GetBoolean());
            Assert.False(string.IsNullOrWhiteSpace(role.GetProperty("description").GetString()));
        }

        // v2 access tokens (issuer .../v2.0, as Pulang__Auth__Authority), with idtyp to tell applications from people.
        Assert.Equal(2, json.RootElement.GetProperty("api").GetProperty("requestedAccessTokenVersion").GetInt32());
        Assert.Contains(json.RootElement.GetProperty("optionalClaims").GetProperty("accessToken").EnumerateArray(), c => c.GetProperty("name").GetString() == "idtyp");
    }
}
