using Pulang.Workflows.Cases;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Http;
using Xunit;
using static Pulang.Tests.Domain.Fx;

namespace Pulang.Tests.Domain;

/// <summary>
/// Names are names (<see cref="NameText"/>): the one rule for intake (<see cref="IntakeRequest.Validate"/>) and for a
/// verifier's corrections (the decider, through <see cref="Verification"/>). All names are made up.
/// </summary>
public sealed class NameTextTests
{
    static readonly DateOnly Today = new(2026, 12, 6);

    public static TheoryData<string> Names =>
    [
        "SRI RAHAYU WULANDARI",
        "Siti Nur'aini",                 // apostrophe
        "NUR\u2019AINI",                  // right single quotation mark as apostrophe
        "Anak Agung Ayu Putri-Dewi",     // hyphen
        "MOCH. ABD. ROHIM",              // periods
        "José Contoh",                    // precomposed accent
        "Jose\u0301 Contoh",              // combining acute accent (a mark)
        "Nguyễn Thị Hoa",
        "สมชาย ใจดี",                    // Thai (with marks)
        "محمد عبد الله",                 // Arabic
        "王小明",                         // Han
        "𠀋田 花子",                      // a letter outside the BMP (surrogate pair)
        "ꦱꦿꦶ",                           // Javanese script
    ];

    public static TheoryData<string> NotNames =>
    [
        "<script>alert(1)</script>",
        "TESTA <b>CONTOH</b>",
        "SRI RAHAYU\" onmouseover=\"x",
        "SRI & RAHAYU",
        "SRI RAHAYU 2",
        "SRI;RAHAYU",
        "SRI RAHAYU 😀",
        "{{7*7}}",
        "'-.",
        "SRI\u00A0RAHAYU",               // a no-break space is not a plain space
        new string('A', 201),
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void Person_names_of_any_script_with_marks_apostrophes_hyphens_and_periods_are_names(string name)
    {
        Assert.Null(NameText.PersonNameError(name));
        var intake = Request(name).Validate(Today, out var errors);
        Assert.Empty(errors);
        Assert.Equal(name.ToUpperInvariant(), intake!.FullName);
    }

    [Theory]
    [MemberData(nameof(NotNames))]
    public void Markup_symbols_digits_and_overlong_values_are_a_field_error_at_intake(string name)
    {
        Assert.NotNull(NameText.PersonNameError(name));
        Assert.Null(Request(name).Validate(Today, out var errors));
        var message = Assert.Single(Assert.Single(errors, e => e.Key == "fullName").Value);
        Assert.DoesNotContain(name, message); // the value is personal data: not echoed
        Assert.Equal(["fullName"], errors.Keys);
    }

    [Fact]
    public void Places_take_digits_commas_and_parentheses_but_not_markup()
    {
        Assert.Null(NameText.PlaceNameError("Kab. Malang, Jawa Timur (Kec. 2)"));
        Assert.Null(NameText.PlaceNameError("Kota Kinabalu"));
        Assert.NotNull(NameText.PlaceNameError("<img src=x onerror=alert(1)>"));
        var request = Request("SRI RAHAYU") with { OriginRegion = "<script>x</script>", PlacementCountry = "Malaysia</td>" };
        Assert.Null(request.Validate(Today, out var errors));
        Assert.Equal(["originRegion", "placementCountry"], errors.Keys.Order());
    }

    [Theory]
    [InlineData("fullName", "<script>alert(1)</script>")]
    [InlineData("fullName", "TESTA CONTOH WATI 1")]
    [InlineData("birthPlace", "MALANG<br>")]
    public void A_correction_that_is_not_a_name_is_refused_by_the_decider_and_nothing_changes(string field, string value)
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-k", findings: [Finding("field.low-confidence")],
            fields: new Dictionary<string, string> { ["fullName"] = "TESTA CONTOH WATI", ["birthDate"] = "1995-04-17", ["sex"] = "F" }));

        var d = Refused(s, Verified("doc-k", corrections: new Dictionary<string, string> { [field] = value }), RefusalKind.Unprocessable, "verification.invalid-correction");

        var error = Assert.Single(d.Refusal!.Errors!);
        Assert.Equal(("correction.name", field), (error.Code, error.Field));
        Assert.DoesNotContain(value, error.Message);
        Assert.Equal(DocumentStatus.NeedsReview, d.State.Documents.Single(x => x.DocumentId == "doc-k").Status);
        Assert.Null(d.State.Documents.Single(x => x.DocumentId == "doc-k").Corrections);
    }

    [Fact]
    public void A_correction_in_another_script_is_accepted_by_the_decider()
    {
        var s = Apply(Opened(), Scanned(DocumentKind.Ktp, "doc-k", findings: [Finding("field.low-confidence")],
            fields: new Dictionary<string, string> { ["fullName"] = "TESTA CONTOH WATI", ["birthDate"] = "1995-04-17", ["sex"] = "F" }));

        var d = Decider.Decide(s, Verified("doc-k", corrections: new Dictionary<string, string> { ["birthPlace"] = "Kab. Malang, Jawa Timur" }), Now());

        Assert.True(d.Accepted, d.Refusal?.Message);
        Assert.Equal("Kab. Malang, Jawa Timur", d.State.Documents.Single(x => x.DocumentId == "doc-k").Corrections!["birthPlace"]);
    }

    static IntakeRequest Request(string name) =>
        new("REF-NAME-1", name, "F", "1995-04-17", "Kabupaten Malang", "Malaysia", "2025-10-02", null);
}
