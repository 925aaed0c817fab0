using Xunit;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Ocr;

namespace Pulang.Tests.Documents;

public class MrzTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    const string L1 = "P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<";
    const string L2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";

    // The sample MRZs from shared/samples/ground_truth.json (all fictional).
    public static TheoryData<string, string> SampleMrzs => new()
    {
        { L1, L2 },
        { "P<IDNFITRI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<", "E6101361<8IDN7206133F3304031<<<<<<<<<<<<<<<4" },
        { "P<IDNMAHARANI<<ARIF<AYU<<<<<<<<<<<<<<<<<<<<<", "A2851974<2IDN8404040M3010024<<<<<<<<<<<<<<<0" },
        { "P<IDNPURNOMO<<GALIH<<<<<<<<<<<<<<<<<<<<<<<<<", "C2454518<7IDN8706087M3309209<<<<<<<<<<<<<<<8" },
        { "P<IDNMAHARANI<<MAYA<<<<<<<<<<<<<<<<<<<<<<<<<", "E0333327<9IDN8705194F2909196<<<<<<<<<<<<<<<8" },
        { "P<IDNPURNOMO<<RUDI<LESTARI<<<<<<<<<<<<<<<<<<", "E2182365<7IDN9503135M3010253<<<<<<<<<<<<<<<2" },
        { "P<IDNSUSANTI<<ANISA<<<<<<<<<<<<<<<<<<<<<<<<<", "X2415327<1IDN9806113F2911087<<<<<<<<<<<<<<<8" },
    };

    [Theory]
    [InlineData("C4821937<", 2)]
    [InlineData("920814", 2)]
    [InlineData("310303", 8)]
    [InlineData("<<<<<<<<<<<<<<", 0)]
    [InlineData("L898902C3", 6)] // ICAO 9303 Part 4 example passport number
    [InlineData("740812", 2)]
    public void Check_digit_follows_icao_7_3_1(string data, int expected) =>
        Assert.Equal(expected, Mrz.CheckDigit(data));

    [Fact]
    public void Check_digit_rejects_characters_outside_the_mrz_alphabet() =>
        Assert.Equal(-1, Mrz.CheckDigit("C48 1937"));

    [Theory]
    [MemberData(nameof(SampleMrzs))]
    public void Sample_mrzs_are_valid(string line1, string line2)
    {
        var mrz = Mrz.ParseTd3(line1, line2, Today);
        Assert.NotNull(mrz);
        Assert.Empty(mrz.Errors);
        Assert.True(mrz.IsValid);
    }

    [Theory]
    [MemberData(nameof(SampleMrzs))]
    public void Changing_any_checked_character_of_a_sample_makes_it_invalid(string line1, string line2)
    {
        // Every position covered by a check digit (document number, dates, optional data, and the check digits themselves).
        int[] covered = [.. Enumerable.Range(0, 10), .. Enumerable.Range(13, 7), .. Enumerable.Range(21, 23)];
        foreach (var i in covered)
        {
            var replacement = line2[i] == '7' ? '3' : '7';
            var changed = line2[..i] + replacement + line2[(i + 1)..];
            var mrz = Mrz.ParseTd3(line1, changed, Today);
            Assert.NotNull(mrz);
            Assert.False(mrz.IsValid, $"position {i + 1} changed to {replacement} still valid");
        }
    }

    [Fact]
    public void Parses_the_sample_persons_td3()
    {
        var mrz = Mrz.ParseTd3(L1, L2, Today)!;
        Assert.Equal("P", mrz.DocumentType);
        Assert.Equal("IDN", mrz.IssuingState);
        Assert.Equal("WULANDARI", mrz.Surname);
        Assert.Equal("SRI RAHAYU", mrz.GivenNames);
        Assert.Equal("SRI RAHAYU WULANDARI", mrz.FullName);
        Assert.Equal("C4821937", mrz.DocumentNumber);
        Assert.Equal('2', mrz.DocumentNumberCheckDigit);
        Assert.Equal("IDN", mrz.Nationality);
        Assert.Equal(new DateOnly(1992, 8, 14), mrz.BirthDate);
        Assert.Equal('2', mrz.BirthDateCheckDigit);
        Assert.Equal('F', mrz.Sex);
        Assert.Equal(new DateOnly(2031, 3, 3), mrz.ExpiryDate);
        Assert.Equal('8', mrz.ExpiryDateCheckDigit);
        Assert.Equal("", mrz.OptionalData);
        Assert.Equal('<', mrz.OptionalDataCheckDigit);
        Assert.Equal('4', mrz.CompositeCheckDigit);
    }

    [Fact]
    public void Names_the_failing_check_digit()
    {
        var mrz = Mrz.ParseTd3(L1, "C4821937<3IDN9208142F3103038<<<<<<<<<<<<<<<4", Today)!;
        Assert.Contains("check-digit:documentNumber", mrz.Errors);
        Assert.Contains("check-digit:composite", mrz.Errors);
        Assert.DoesNotContain("check-digit:birthDate", mrz.Errors);
    }

    [Theory]
    [InlineData("P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<", L2)] // 43 chars
    [InlineData(L1, "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4<")]
    [InlineData("X<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<", L2)]
    [InlineData(L1, "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<?")]
    public void Parse_returns_null_for_a_wrong_shape(string line1, string line2) =>
        Assert.Null(Mrz.ParseTd3(line1, line2, Today));

    [Theory]
    [InlineData("920814", 1992, 8, 14)]
    [InlineData("261130", 2026, 11, 30)]
    [InlineData("261201", 1926, 12, 1)] // 2026-12-01 would be in the future
    [InlineData("050229", null, null, null)]
    public void Birth_date_century_keeps_birth_dates_in_the_past(string yymmdd, int? y, int? m, int? d) =>
        Assert.Equal(y is null ? null : new DateOnly(y.Value, m!.Value, d!.Value), Mrz.BirthDateFromYymmdd(yymmdd, Today));

    [Theory]
    [InlineData("310303", 2031)]
    [InlineData("750101", 2075)]
    [InlineData("770101", 1977)]
    [InlineData("200101", 2020)]
    public void Expiry_century_uses_a_window_around_today(string yymmdd, int year) =>
        Assert.Equal(year, Mrz.ExpiryDateFromYymmdd(yymmdd, Today)!.Value.Year);

    [Fact]
    public void Repair_accepts_an_already_valid_mrz_unchanged()
    {
        var r = Mrz.TryRepair(L1, L2, Today);
        Assert.True(r.IsValid);
        Assert.Equal(0, r.Corrections);
        Assert.Equal(L2, r.Mrz!.Line2);
    }

    [Fact]
    public void Repair_fixes_letter_o_in_a_digit_field()
    {
        var r = Mrz.TryRepair(L1, "C4821937<2IDN92O8142F31O3038<<<<<<<<<<<<<<<4", Today);
        Assert.True(r.IsValid);
        Assert.Equal(L2, r.Mrz!.Line2);
        Assert.Equal(2, r.Corrections);
    }

    [Fact]
    public void Repair_fixes_a_digit_in_the_state_and_normalizes_spaces_case_and_length()
    {
        var r = Mrz.TryRepair("p<1DNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<<", "C4821937<2IDN 9208142F3103038<<<<<<<<<<<<<<4", Today);
        Assert.True(r.IsValid, r.Reason);
        Assert.Equal(L1, r.Mrz!.Line1);
        Assert.Equal(L2, r.Mrz.Line2);
    }

    [Fact]
    public void Repair_never_guesses_a_name_a_digit_there_makes_the_mrz_invalid()
    {
        // No check digit covers the names: '1' in WULANDAR1 could be I, L or T. It goes to a person.
        var r = Mrz.TryRepair("P<IDNWULANDAR1<<SRI<RAHAYU<<<<<<<<<<<<<<<<<<", L2, Today);
        Assert.False(r.IsValid);
        Assert.Equal("format", r.Reason);
    }

    [Fact]
    public void Repair_changes_at_most_one_character_per_field()
    {
        // Two letters for digits in the birth date: each alone would be a typed correction, but two changes in one field can cancel
        // out in the 7-3-1 sum, so they are not proven by its check digit.
        var r = Mrz.TryRepair(L1, "C4821937<2IDN92O8I42F3103038<<<<<<<<<<<<<<<4", Today);
        Assert.False(r.IsValid);
        // One per field, in different fields, is proven by each field's own check digit and the composite.
        Assert.True(Mrz.TryRepair(L1, "C4821937<2IDN92O8142F31O3038<<<<<<<<<<<<<<<4", Today).IsValid);
    }

    [Fact]
    public void Repair_makes_at_most_one_letter_digit_swap_in_the_document_number()
    {
        // Two swaps (B->8, I->1) would give the printed number here, but two swaps in one field are not proven by its check digit
        // (they can cancel out and make a wrong number pass): a person reads it.
        var r = Mrz.TryRepair(L1, "C4B2I937<2IDN9208142F3103038<<<<<<<<<<<<<<<4", Today);
        Assert.False(r.IsValid);
        Assert.True(Mrz.TryRepair(L1, "C4B21937<2IDN9208142F3103038<<<<<<<<<<<<<<<4", Today).IsValid);
    }

    [Fact]
    public void Repair_decides_an_alphanumeric_document_number_by_its_check_digit()
    {
        // 'I' read for '1' in the document number: the format allows both, the check digits accept only '1'.
        var r = Mrz.TryRepair(L1, "C482I937<2IDN9208142F3103038<<<<<<<<<<<<<<<4", Today);
        Assert.True(r.IsValid);
        Assert.Equal("C4821937", r.Mrz!.DocumentNumber);
    }

    [Fact]
    public void Repair_refuses_a_wrong_digit_that_no_rule_explains()
    {
        var r = Mrz.TryRepair(L1, "C4821937<2IDN9208143F3103038<<<<<<<<<<<<<<<4", Today);
        Assert.False(r.IsValid);
        Assert.Equal("check-digits", r.Reason);
    }

    [Fact]
    public void Repair_refuses_a_letter_that_is_no_digit_look_alike_in_a_digit_field()
    {
        var r = Mrz.TryRepair(L1, "C4821937<2IDN92X8142F3103038<<<<<<<<<<<<<<<4", Today);
        Assert.False(r.IsValid);
    }

    [Fact]
    public void Repair_refuses_when_two_readings_pass_every_check_digit()
    {
        // Fictional document number X1Z345678; OCR read X12345678. Z->2 at weight 1 shifts the sum by 33, as do S->5 (23)
        // and B->8 (3) at weight 1, all 3 modulo 10: X1Z345678, X1234S678 and X12345B78 each pass every check digit.
        var truth = Line2With("X1Z345678");
        var read = "X12345678" + truth[9..];
        Assert.True(Mrz.ParseTd3(L1, truth, Today)!.IsValid);
        Assert.False(Mrz.ParseTd3(L1, read, Today)!.IsValid);

        var r = Mrz.TryRepair(L1, read, Today);

        Assert.False(r.IsValid);
        Assert.Equal("ambiguous", r.Reason);
    }

    static string Line2With(string documentNumber)
    {
        var body = documentNumber + Mrz.CheckDigit(documentNumber) + "IDN9208142F3103038<<<<<<<<<<<<<<<";
        return body + Mrz.CheckDigit(string.Concat(body.AsSpan(0, 10), body.AsSpan(13, 7), body.AsSpan(21, 22)));
    }
}

public class MrzNameFieldRepairTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    const string L2 = "C4821937<2IDN9208142F3103038<<<<<<<<<<<<<<<4";

    [Theory]
    [InlineData("P<IDNWULANDARI<<SRI<RAHAYU<<<<<<<<<<<K<<<<SS")]
    [InlineData("P<IDNFITRI<<<<<<<K<K<KKKKKKKKKKKKKKKKKKKKKKK")]
    public void Letters_after_the_end_of_the_names_are_left_as_read(string read)
    {
        // No check digit covers line 1, so nothing there is guessed away: the extra name parts then fail the visual zone and case checks.
        var r = Mrz.TryRepair(read, L2, Today);
        Assert.Equal(read, r.Mrz!.Line1);
    }

    [Fact]
    public void A_letter_stuck_to_a_name_is_not_removed()
    {
        // Not provable by the format: it stays, and the name check against the case will catch it.
        var r = Mrz.TryRepair("P<IDNWULANDARI<<SRI<RAHAYUK<<<<<<<<<<<<<<<<<", L2, Today);
        Assert.Equal("SRI RAHAYUK", r.Mrz!.GivenNames);
    }
}

public class MrzOptionalDataRepairTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    const string L1 = "P<IDNFITRI<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<";

    [Fact]
    public void Letters_in_an_optional_data_field_with_a_filler_check_digit_are_not_wiped()
    {
        // K counts 20, like '<' (0) modulo 10: the composite cannot tell them apart, and a '<' check digit proves nothing, so the
        // letters are not turned into fillers by guess.
        var r = Mrz.TryRepair(L1, "E6101361<81DN7206133F3304031KKKKKKKK<<<<<K<4", Today);
        Assert.False(r.IsValid);
    }

    [Fact]
    public void Used_optional_data_is_kept_and_checked()
    {
        // Fictional personal number 1234567890 with its check digit and composite.
        var body = "E6101361<8IDN7206133F3304031" + "1234567890<<<<";
        var line2 = body + Mrz.CheckDigit(body.AsSpan(28, 14));
        line2 += Mrz.CheckDigit(string.Concat(line2.AsSpan(0, 10), line2.AsSpan(13, 7), line2.AsSpan(21, 22)));
        var r = Mrz.TryRepair(L1, line2, Today);
        Assert.True(r.IsValid, r.Reason);
        Assert.Equal("1234567890", r.Mrz!.OptionalData);
        Assert.False(Mrz.TryRepair(L1, line2.Replace("12345", "12346"), Today).IsValid);
    }
}
