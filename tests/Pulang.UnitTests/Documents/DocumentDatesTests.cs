using Pulang.Workflows.Documents;
using Xunit;

namespace Pulang.Tests.Documents;

public class DocumentDatesTests
{
    [Theory]
    [InlineData("14-08-1992", 1992, 8, 14)]
    [InlineData("14/08/1992", 1992, 8, 14)]
    [InlineData("14.08.1992", 1992, 8, 14)]
    [InlineData("14 AUG 1992", 1992, 8, 14)]
    [InlineData("14 Agustus 1992", 1992, 8, 14)]
    [InlineData("12 AGU 2020", 2020, 8, 12)]
    [InlineData("12 AGT 2020", 2020, 8, 12)]
    [InlineData("03 MEI 2021", 2021, 5, 3)]
    [InlineData("03 May 2021", 2021, 5, 3)]
    [InlineData("30 Oktober 2025", 2025, 10, 30)]
    [InlineData("1 DES 1999", 1999, 12, 1)]
    [InlineData("29-02-2000", 2000, 2, 29)]
    [InlineData("  03 MAR 2031 ", 2031, 3, 3)]
    public void Parses_indonesian_and_english_dates(string text, int y, int m, int d)
    {
        Assert.True(DocumentDates.TryParse(text, out var date));
        Assert.Equal(new DateOnly(y, m, d), date);
    }

    [Theory]
    [InlineData("31-02-1990")]
    [InlineData("29-02-1900")]
    [InlineData("14-13-1992")]
    [InlineData("00-08-1992")]
    [InlineData("14 XYZ 1992")]
    [InlineData("14-08-92")]
    [InlineData("MALANG, 14-08-1992")]
    [InlineData("")]
    [InlineData(null)]
    public void Rejects_what_is_not_exactly_one_real_date(string? text) =>
        Assert.False(DocumentDates.TryParse(text, out _));

    [Fact]
    public void Finds_a_date_inside_a_field_and_where_it_starts()
    {
        Assert.True(DocumentDates.TryFind("MALANG, 14-08-1992", out var date, out var index));
        Assert.Equal(new DateOnly(1992, 8, 14), date);
        Assert.Equal("MALANG, ", "MALANG, 14-08-1992"[..index]);
        Assert.True(DocumentDates.TryFind(": Malang, 14 Agustus 1992", out date));
        Assert.Equal(new DateOnly(1992, 8, 14), date);
        Assert.False(DocumentDates.TryFind("MALANG, 31-02-1990", out _));
    }
}
