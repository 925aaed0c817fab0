using Pulang.Workflows.Documents;
using Xunit;
using Pulang.Workflows.Ocr;

namespace Pulang.Tests.Documents;

/// <summary>
/// TD1 (ICAO 9303 Part 5) and TD2 (Part 6) parsing with the specimens of ICAO 9303's own appendices, and with fictional long
/// document numbers whose check digits were computed independently (7-3-1 by hand/script, not by the code under test).
/// </summary>
public class MrzCardTests
{
    static readonly DateOnly Today = new(2026, 11, 30);
    const string Charset = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

    // ICAO 9303 Part 5, Appendix B (TD1 specimen).
    const string Td1Line1 = "I<UTOD231458907<<<<<<<<<<<<<<<";
    const string Td1Line2 = "7408122F1204159UTO<<<<<<<<<<<6";
    const string Td1Line3 = "ERIKSSON<<ANNA<MARIA<<<<<<<<<<";
    // ICAO 9303 Part 6, Appendix B (TD2 specimen).
    const string Td2Line1 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<";
    const string Td2Line2 = "D231458907UTO7408122F1204159<<<<<<<6";

    [Fact]
    public void Parses_the_icao_td1_specimen()
    {
        var m = Mrz.ParseTd1(Td1Line1, Td1Line2, Td1Line3, Today);
        Assert.NotNull(m);
        Assert.True(m.IsValid, string.Join(", ", m.Errors));
        Assert.Equal("TD1", m.Format);
        Assert.Equal([Td1Line1, Td1Line2, Td1Line3], m.Lines);
        Assert.Equal("I", m.DocumentType);
        Assert.Equal("UTO", m.IssuingState);
        Assert.Equal("D23145890", m.DocumentNumber);
        Assert.Equal('7', m.DocumentNumberCheckDigit);
        Assert.Equal(new DateOnly(1974, 8, 12), m.BirthDate);
        Assert.Equal('2', m.BirthDateCheckDigit);
        Assert.Equal('F', m.Sex);
        Assert.Equal(new DateOnly(2012, 4, 15), m.ExpiryDate);
        Assert.Equal('9', m.ExpiryDateCheckDigit);
        Assert.Equal("UTO", m.Nationality);
        Assert.Equal("", m.OptionalData);
        Assert.Equal("", m.OptionalData2);
        Assert.Equal('6', m.CompositeCheckDigit);
        Assert.Equal("ERIKSSON", m.Surname);
        Assert.Equal("ANNA MARIA", m.GivenNames);
        Assert.Equal("ANNA MARIA ERIKSSON", m.FullName);
    }

    [Fact]
    public void Parses_the_icao_td2_specimen()
    {
        var m = Mrz.ParseTd2(Td2Line1, Td2Line2, Today);
        Assert.NotNull(m);
        Assert.True(m.IsValid, string.Join(", ", m.Errors));
        Assert.Equal("TD2", m.Format);
        Assert.Equal("I", m.DocumentType);
        Assert.Equal("UTO", m.IssuingState);
        Assert.Equal("D23145890", m.DocumentNumber);
        Assert.Equal(new DateOnly(1974, 8, 12), m.BirthDate);
        Assert.Equal('F', m.Sex);
        Assert.Equal(new DateOnly(2012, 4, 15), m.ExpiryDate);
        Assert.Equal("UTO", m.Nationality);
        Assert.Equal("", m.OptionalData);
        Assert.Equal('6', m.CompositeCheckDigit);
        Assert.Equal("ANNA MARIA ERIKSSON", m.FullName);
    }

    [Fact]
    public void A_td1_document_number_longer_than_nine_characters_continues_in_the_optional_data()
    {
        // Fictional D23145890AB1 (12 characters): '<' at position 15, "AB1" then its check digit 1 over all 12, then a filler.
        var m = Mrz.ParseTd1("I<UTOD23145890<AB11<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<8", Td1Line3, Today);
        Assert.NotNull(m);
        Assert.True(m.IsValid, string.Join(", ", m.Errors));
        Assert.Equal("D23145890AB1", m.DocumentNumber);
        Assert.Equal('1', m.DocumentNumberCheckDigit);
        Assert.Equal("", m.OptionalData);

        // The same with a wrong overflow character, or the check digit of the first nine only: refused.
        Assert.Contains("check-digit:documentNumber", Mrz.ParseTd1("I<UTOD23145890<AC11<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<8", Td1Line3, Today)!.Errors);
        Assert.Contains("check-digit:documentNumber", Mrz.ParseTd1("I<UTOD23145890<<<<<<<<<<<<<<<<", Td1Line2, Td1Line3, Today)!.Errors);
    }

    [Fact]
    public void A_td2_document_number_longer_than_nine_characters_continues_in_the_optional_data()
    {
        // Fictional D23145890AB (11 characters): '<' at position 10, "AB" then its check digit 0 at positions 29-31.
        var m = Mrz.ParseTd2(Td2Line1, "D23145890<UTO7408122F1204159AB0<<<<0", Today);
        Assert.NotNull(m);
        Assert.True(m.IsValid, string.Join(", ", m.Errors));
        Assert.Equal("D23145890AB", m.DocumentNumber);
        Assert.Equal("", m.OptionalData);
    }

    [Theory]
    [InlineData("P<UTOD231458907<<<<<<<<<<<<<<<")] // a passport code on a TD1
    [InlineData("I<UTOD231458907<<<<<<<<<<<<<<")] // 29 characters
    [InlineData("I<UTOD231458907<<<<<<<<<<<<<<<<")] // 31
    [InlineData("i<UTOD231458907<<<<<<<<<<<<<<<")] // lower case: never repaired
    [InlineData("I<UTOD23145890 7<<<<<<<<<<<<<<")] // a space
    public void A_wrong_td1_shape_is_null(string line1) => Assert.Null(Mrz.ParseTd1(line1, Td1Line2, Td1Line3, Today));

    [Theory]
    [InlineData("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<")] // an MRV-B visa: no composite check digit
    [InlineData("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<")]
    [InlineData("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<")]
    public void A_wrong_td2_shape_is_null(string line1) => Assert.Null(Mrz.ParseTd2(line1, Td2Line2, Today));

    [Theory]
    [InlineData(1, 14, '8', "check-digit:documentNumber")]
    [InlineData(1, 8, '2', "check-digit:documentNumber")]
    [InlineData(1, 20, '1', "check-digit:composite")] // optional data: covered by the composite only
    [InlineData(2, 6, '3', "check-digit:birthDate")]
    [InlineData(2, 3, '9', "check-digit:birthDate")]
    [InlineData(2, 14, '8', "check-digit:expiryDate")]
    [InlineData(2, 20, 'X', "check-digit:composite")]
    [InlineData(2, 29, '5', "check-digit:composite")]
    [InlineData(2, 7, 'Q', "format:sex")]
    [InlineData(2, 15, '7', "format:nationality")]
    [InlineData(3, 3, '5', "format:name")]
    public void Td1_single_character_changes_name_the_failing_check(int line, int index, char c, string error)
    {
        string[] lines = [Td1Line1, Td1Line2, Td1Line3];
        lines[line - 1] = lines[line - 1][..index] + c + lines[line - 1][(index + 1)..];
        var m = Mrz.ParseTd1(lines[0], lines[1], lines[2], Today);
        Assert.NotNull(m);
        Assert.False(m.IsValid);
        Assert.Contains(error, m.Errors);
    }

    [Theory]
    [InlineData(8, '1', "check-digit:documentNumber")]
    [InlineData(9, '8', "check-digit:documentNumber")]
    [InlineData(15, '9', "check-digit:birthDate")]
    [InlineData(26, '0', "check-digit:expiryDate")]
    [InlineData(30, 'Z', "check-digit:composite")]
    [InlineData(35, '7', "check-digit:composite")]
    [InlineData(17, '3', "date:birthDate")] // day 32
    public void Td2_single_character_changes_name_the_failing_check(int index, char c, string error)
    {
        var m = Mrz.ParseTd2(Td2Line1, Td2Line2[..index] + c + Td2Line2[(index + 1)..], Today);
        Assert.NotNull(m);
        Assert.False(m.IsValid);
        Assert.Contains(error, m.Errors);
    }

    /// <summary>
    /// Every change of one character at a position covered by a check digit is refused, except where ICAO's 7-3-1 check digits are
    /// blind by construction: in an alphanumeric position (document number, optional data), a character whose value differs by a
    /// multiple of 10 (e.g. '&lt;' = 0 and 'A' = 10). Digit positions (dates, check digits) refuse even those, by format.
    /// </summary>
    [Theory]
    [InlineData("TD1", 1)]
    [InlineData("TD1", 2)]
    [InlineData("TD2", 2)]
    public void Every_detectable_single_character_change_is_refused(string format, int line)
    {
        string[] lines = format == "TD1" ? [Td1Line1, Td1Line2, Td1Line3] : [Td2Line1, Td2Line2];
        // Positions (0-based) covered by a check digit, and which of them are alphanumeric.
        var (covered, alphanumeric) = (format, line) switch
        {
            ("TD1", 1) => (Range(5, 30), Range(5, 14).Concat(Range(15, 30))),
            ("TD1", 2) => (Range(0, 7).Concat(Range(8, 15)).Concat(Range(18, 30)), Range(18, 29)),
            _ => (Range(0, 10).Concat(Range(13, 20)).Concat(Range(21, 36)), Range(0, 9).Concat(Range(28, 35))),
        };
        var alnum = alphanumeric.ToHashSet();
        var accepted = new List<string>();
        var original = lines[line - 1];
        foreach (var i in covered)
        foreach (var c in Charset)
        {
            if (c == original[i]) continue;
            var changed = (string[])lines.Clone();
            changed[line - 1] = original[..i] + c + original[(i + 1)..];
            var m = format == "TD1" ? Mrz.ParseTd1(changed[0], changed[1], changed[2], Today) : Mrz.ParseTd2(changed[0], changed[1], Today);
            if (m is not { IsValid: true }) continue;
            var blind = alnum.Contains(i) && (Value(c) - Value(original[i])) % 10 == 0;
            if (!blind) accepted.Add($"{format} line {line} position {i + 1}: '{original[i]}' -> '{c}'");
        }
        Assert.True(accepted.Count == 0, string.Join('\n', accepted));
    }

    [Fact]
    public void The_check_digits_blind_spot_is_real_and_why_names_and_numbers_are_cross_checked()
    {
        // '<' (0) -> 'A' (10) in TD1 optional data: every ICAO check digit still passes (documented limit of 7-3-1).
        var m = Mrz.ParseTd1("I<UTOD231458907A<<<<<<<<<<<<<<", Td1Line2, Td1Line3, Today);
        Assert.True(m!.IsValid);
        Assert.Equal("A", m.OptionalData);
    }

    static IEnumerable<int> Range(int from, int toExclusive) => Enumerable.Range(from, toExclusive - from);

    static int Value(char c) => c switch { >= '0' and <= '9' => c - '0', >= 'A' and <= 'Z' => c - 'A' + 10, _ => 0 };
}
