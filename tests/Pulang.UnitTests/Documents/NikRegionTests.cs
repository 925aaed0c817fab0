using Pulang.Workflows.Documents;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>NIK region codes: the province against Kemendagri's codes, regency and district never 00 (fictional NIKs).</summary>
public class NikRegionTests
{
    static readonly DateOnly Today = new(2026, 11, 30);

    /// <summary>A fictional woman born 14-08-1992 (day 54), serial 0003, in the given region (6 digits).</summary>
    static string NikIn(string region) => region + "540892" + "0003";

    [Theory]
    [InlineData("11")] [InlineData("19")] [InlineData("21")] [InlineData("31")] [InlineData("35")] [InlineData("36")]
    [InlineData("51")] [InlineData("53")] [InlineData("61")] [InlineData("65")] [InlineData("71")] [InlineData("76")]
    [InlineData("81")] [InlineData("82")] [InlineData("91")] [InlineData("92")]
    [InlineData("93")] [InlineData("94")] [InlineData("95")] [InlineData("96")] // the Papua provinces created in 2022
    public void Every_kemendagri_province_code_is_accepted(string province)
    {
        var nik = Nik.Decode(NikIn(province + "0101"), Today);
        Assert.True(nik.IsValid, string.Join(", ", nik.Findings.Select(f => f.Code)));
        Assert.Equal(province, nik.ProvinceCode);
    }

    [Theory]
    [InlineData("00")] [InlineData("10")] [InlineData("20")] [InlineData("22")] [InlineData("30")] [InlineData("37")]
    [InlineData("41")] [InlineData("50")] [InlineData("54")] [InlineData("60")] [InlineData("66")] [InlineData("70")]
    [InlineData("77")] [InlineData("80")] [InlineData("83")] [InlineData("90")] [InlineData("97")] [InlineData("99")]
    public void Other_province_codes_are_a_province_finding(string province)
    {
        var nik = Nik.Decode(NikIn(province + "0712"), Today);
        Assert.False(nik.IsValid);
        var f = Assert.Single(nik.Findings);
        Assert.Equal("nik.province", f.Code);
        Assert.Equal(province, f.Actual);
        Assert.Equal(FieldNames.Nik, f.Field);
    }

    [Theory]
    [InlineData("350012", "nik.regency", "3500")]
    [InlineData("357800", "nik.district", "357800")]
    [InlineData("350700", "nik.district", "350700")]
    public void Regency_or_district_code_00_is_named(string region, string code, string actual)
    {
        var nik = Nik.Decode(NikIn(region), Today);
        Assert.False(nik.IsValid);
        var f = Assert.Single(nik.Findings);
        Assert.Equal(code, f.Code);
        Assert.Equal(actual, f.Actual);
    }

    [Fact]
    public void Each_wrong_part_has_its_own_finding()
    {
        var nik = Nik.Decode("4000005408920000", Today);
        Assert.Equal(["nik.province", "nik.regency", "nik.district", "nik.serial"], nik.Findings.Select(f => f.Code));
        // The date part is still decoded.
        Assert.Equal(new DateOnly(1992, 8, 14), nik.BirthDate);
    }

    [Fact]
    public void Every_nik_of_the_samples_and_fixtures_still_decodes()
    {
        // The sample KTP (ground_truth.json): Jawa Timur, Kab. Malang; the fixtures' other NIKs.
        foreach (var value in new[] { "3507125408920003", "3578050404840012", "3507015408920001", "3507120201900001" })
            Assert.True(Nik.Decode(value, Today).IsValid, value);
        var sample = Nik.Decode("3507125408920003", Today);
        Assert.Equal(("35", "3507", "350712"), (sample.ProvinceCode, sample.RegencyCode, sample.DistrictCode));
    }
}
