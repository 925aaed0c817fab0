using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pulang.Workflows;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>What every decider test class shares: comparing effects as JSON and building an expected outgoing event.</summary>
public abstract class DeciderTestBase
{
    protected static void AssertEffects(IEnumerable<Effect> expected, IEnumerable<Effect> actual) =>
        Assert.Equal(Json<List<Effect>>([.. expected]), Json<List<Effect>>([.. actual]));

    protected static PublishCaseEvent Event(string eventId, string type, params (string Key, string Value)[] data) =>
        new(eventId, type, CaseId, data.ToDictionary(d => d.Key, d => d.Value));
}
