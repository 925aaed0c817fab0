using Pulang.Workflows.Documents;
using Xunit;

namespace Pulang.Tests.Documents;

public class PersonNamesTests
{
    [Theory]
    [InlineData("  sri   rahayu  wulandari ", "SRI RAHAYU WULANDARI")]
    [InlineData("WULANDARI<<SRI<RAHAYU<<<<<<", "WULANDARI SRI RAHAYU")]
    [InlineData("Hj. Sri Rahayu, S.Pd", "SRI RAHAYU")]
    [InlineData("DR. IR. BAMBANG SUTRISNO, M.M.", "BAMBANG SUTRISNO")]
    [InlineData("H. AHMAD BIN YUSUF", "AHMAD BIN YUSUF")]
    [InlineData("H AHMAD", "H AHMAD")]
    [InlineData("Siti Ma'rifah", "SITI MARIFAH")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void Normalizes_case_spaces_punctuation_and_titles(string? name, string expected) =>
        Assert.Equal(expected, PersonNames.Normalize(name));

    [Theory]
    [InlineData("SRI RAHAYU WULANDARI", "WULANDARI<<SRI<RAHAYU")]
    [InlineData("Sri Rahayu Wulandari", "SRI  RAHAYU WULANDARI")]
    [InlineData("Hj. Sri Rahayu Wulandari", "SRI RAHAYU WULANDARI")]
    [InlineData("SITI AMINAH BINTI AHMAD", "SITI AMINAH AHMAD")]
    [InlineData("SRI RAHAYU WULANDARI", "SRI RAHAJU WULANDARI")] // pre-1972 spelling: see PersonNameVariantsTests
    public void Matches_the_same_tokens_in_any_order(string a, string b) =>
        Assert.Equal(NameMatch.Match, PersonNames.Compare(a, b));

    [Theory]
    [InlineData("SRI RAHAYU WULANDARI", "SRI WULANDARI")]
    [InlineData("SRI RAHAYU WULANDARI", "SRI RAHAYU WULANDARI PUTRI")]
    [InlineData("SRI RAHAYU WULANDARI", "SRI RAHAYV WULANDARI")] // one OCR error is not a spelling variant
    [InlineData("SRI SRI WULANDARI", "SRI WULANDARI WULANDARI")]
    [InlineData("", "")]
    [InlineData(null, "SRI")]
    public void Different_tokens_or_empty_names_are_a_mismatch(string? a, string? b) =>
        Assert.Equal(NameMatch.Mismatch, PersonNames.Compare(a, b));
}
