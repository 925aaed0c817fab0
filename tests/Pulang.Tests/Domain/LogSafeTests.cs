using System.Text.Json;
using Pulang.Tests.EndToEnd;
using Pulang.Workflows;
using Pulang.Workflows.Cases;

namespace Pulang.Tests.Domain;

/// <summary>Poison reasons and exception messages that echo input are masked before they are logged.</summary>
public class LogSafeTests
{
    [Fact]
    public async Task Intake_poison_reasons_echo_the_sample_persons_data_but_their_logged_form_does_not()
    {
        var intake = new IntakeQueue(null!, null!);
        var messages = new[]
        {
            JsonSerializer.Serialize(new { externalReference = "KL-SPLP/0457", fullName = "SRI RAHAYU WULANDARI", sex = "F", birthDate = "14-08-1992", originRegion = "r", placementCountry = "c", arrivalDate = "2025-10-02", nik = "3507125408920003X" }),
            "{\"externalReference\":\"C4821937\",\"birthDate\":1992-08-14}",
            "{\"fullName\":\"SRI RAHAYU WULANDARI\",\"sex\":[\"3507125408920003\"]}",
        };
        var reasons = new List<string>();
        foreach (var m in messages)
        {
            var outcome = await intake.HandleAsync(m, TestContext.Current.CancellationToken);
            Assert.NotNull(outcome.PoisonReason);
            reasons.Add(outcome.PoisonReason!);
        }

        Assert.Contains(reasons, r => r.Contains("14-08-1992", StringComparison.Ordinal)); // the unmasked reason does echo input
        foreach (var logged in reasons.Select(LogSafe.Mask))
        {
            foreach (var id in PersonalDataLogTests.Identifiers)
            {
                Assert.DoesNotContain(id, logged, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Theory]
    [InlineData("Name 'SRI RAHAYU WULANDARI' does not match", "Name '***' does not match")]
    [InlineData("NIK 3507125408920003 born 14-08-1992, passport C4821937, SPLP KL-SPLP/0457", "NIK # born #, passport #, SPLP KL-SPLP/#")]
    [InlineData("plain text stays", "plain text stays")]
    public void Mask_hides_quoted_text_and_numbers(string text, string expected) => Assert.Equal(expected, LogSafe.Mask(text));
}
