using Pulang.Workflows.Domain;

namespace Pulang.Tests.Domain;

/// <summary>Reasons, notes, summaries: plain text within the length (<see cref="FreeText"/>), checked by the decider's field checks.</summary>
public sealed class FreeTextTests
{
    [Theory]
    [InlineData("Saksi kunci belum diperiksa.")]
    [InlineData("umur <18 tahun, wali hadir")]
    [InlineData("a < b, 3 > 2")]
    [InlineData("< script > is no tag for a browser")]
    [InlineData("Dokumen ganda (lihat DOC-123) — dicabut.")]
    public void Plain_text_is_taken(string text) => Assert.Null(FreeText.Check(text, "reason"));

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Duplikat </b>")]
    [InlineData("<img src=x onerror=alert(1)>")]
    [InlineData("<!-- selesai -->")]
    [InlineData("<?xml version=\"1.0\"?>")]
    public void Markup_is_refused_as_a_field_value_without_echoing_it(string text)
    {
        var error = FreeText.Check(text, "reason");
        Assert.NotNull(error);
        Assert.Equal(("field.value", "reason"), (error.Code, error.Field));
        Assert.DoesNotContain(text, error.Message);
    }

    [Fact]
    public void Text_over_the_limit_is_refused_and_the_decider_refuses_commands_that_carry_it()
    {
        Assert.Null(FreeText.Check(new string('x', CommandFields.MaxTextLength), "reason"));
        Assert.Equal("field.length", FreeText.Check(new string('x', CommandFields.MaxTextLength + 1), "reason")!.Code);

        var hold = CommandFields.Check(new PlaceHold("HOLD-1", new string('x', CommandFields.MaxTextLength + 1)));
        Assert.Equal(("text.invalid", RefusalKind.Invalid), (hold!.Code, hold.Kind));
        Assert.Equal("reason", Assert.Single(hold.Errors!).Field);
        Assert.Equal("text.invalid", CommandFields.Check(new Withdraw("<script>x</script>"))!.Code);
        Assert.Equal("text.invalid", CommandFields.Check(new LiftHold("HOLD-1", "<b>ok</b>"))!.Code);
        Assert.Equal(["summary", "recommendation"], CommandFields.Check(new SubmitAssessment("<i>x</i>", "<u>y</u>"))!.Errors!.Select(e => e.Field));
        Assert.Equal("text.invalid", CommandFields.Check(new SignOff(Ministry.KemenP2MI, false, new string('a', 64), "<script>"))!.Code);
        Assert.Null(CommandFields.Check(new Withdraw("Kasus ganda, umur <18")));
    }
}
