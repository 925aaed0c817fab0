using Pulang.Workflows.Documents;
using Xunit;

namespace Pulang.Tests.Documents;

public class NikTests
{
    static readonly DateOnly Today = new(2026, 11, 30);

    [Fact]
    public void Decodes_the_sample_womans_nik()
    {
        var nik = Nik.Decode("3507125408920003", Today);
        Assert.True(nik.IsValid);
        Assert.Equal(new DateOnly(1992, 8, 14), nik.BirthDate);
        Assert.Equal('F', nik.Sex);
        Assert.Equal("35", nik.ProvinceCode);
        Assert.Equal("3507", nik.RegencyCode);
        Assert.Equal("350712", nik.DistrictCode);
        Assert.Equal("0003", nik.Serial);
    }

    [Fact]
    public void Decodes_a_mans_nik()
    {
        // Fictional: Kota Surabaya 3578, district 05, born 04-04-1984, serial 0012.
        var nik = Nik.Decode("3578050404840012", Today);
        Assert.True(nik.IsValid);
        Assert.Equal(new DateOnly(1984, 4, 4), nik.BirthDate);
        Assert.Equal('M', nik.Sex);
    }

    [Fact]
    public void Two_digit_year_takes_the_century_that_is_not_in_the_future()
    {
        Assert.Equal(new DateOnly(2005, 1, 1), Nik.Decode("3507120101050001", Today).BirthDate);
        Assert.Equal(new DateOnly(1927, 1, 1), Nik.Decode("3507120101270001", Today).BirthDate);
        Assert.Equal(new DateOnly(2026, 11, 30), Nik.Decode("3507123011260001", Today).BirthDate);
        Assert.Equal(new DateOnly(1926, 12, 1), Nik.Decode("3507120112260001", Today).BirthDate);
    }

    [Theory]
    [InlineData("350712540892000", "nik.length")]
    [InlineData("35071254089200031", "nik.length")]
    [InlineData("", "nik.length")]
    [InlineData(null, "nik.length")]
    [InlineData("35071254O8920003", "nik.format")]
    [InlineData("3507127208920003", "nik.day")] // day 72
    [InlineData("3507123208920003", "nik.day")] // day 32
    [InlineData("3507120008920003", "nik.day")] // day 00
    [InlineData("3507125413920003", "nik.invalid-date")] // month 13
    [InlineData("3507127102920003", "nik.invalid-date")] // 31 Feb (woman: 71-40)
    [InlineData("0007125408920003", "nik.province")]
    [InlineData("3507125408920000", "nik.serial")]
    public void Bad_niks_give_findings_not_exceptions(string? value, string code)
    {
        var nik = Nik.Decode(value, Today);
        Assert.False(nik.IsValid);
        Assert.Contains(nik.Findings, f => f.Code == code);
    }

    [Theory]
    [InlineData("35O7125408920OO3", "3507125408920003")]
    [InlineData("3507 1254 0892 0003", "3507125408920003")]
    [InlineData("35071254O892OOO3", "3507125408920003")]
    [InlineData("3S07I254O8920003", "3507125408920003")]
    [InlineData("350712540892000", null)]
    [InlineData("35071254X8920003", null)]
    public void Ocr_token_fixes_only_digit_look_alikes(string token, string? expected) =>
        Assert.Equal(expected, Nik.FromOcrToken(token));
}
