using Pulang.Workflows.Documents;
using Xunit;

namespace Pulang.Tests.Documents;

/// <summary>
/// Spelling variants in <see cref="PersonNames.CompareDetailed"/>: pre-EYD (1972) spelling, Muslim name forms, spacing.
/// Fictional names only.
/// </summary>
public class PersonNameVariantsTests
{
    [Theory]
    // Old spelling (Van Ophuijsen / Soewandi) against today's EYD spelling.
    [InlineData("SRI RAHAJU WULANDARI", "SRI RAHAYU WULANDARI")]
    [InlineData("DJOKO SANTOSO", "JOKO SANTOSO")]
    [InlineData("SOEKARNI", "SUKARNI")]
    [InlineData("TJAHJO NUGROHO", "CAHYO NUGROHO")]
    [InlineData("SJAHRIAL", "SYAHRIAL")]
    [InlineData("NJOMAN ARTA", "NYOMAN ARTA")]
    [InlineData("CHOIRUL ANAM", "KHOIRUL ANAM")]
    [InlineData("JOESOEF HIDAJAT", "YUSUF HIDAYAT")]
    [InlineData("JUSUF HIDAYAT", "YUSUF HIDAYAT")]
    [InlineData("WIDJAJA KUSUMA", "WIJAYA KUSUMA")]
    [InlineData("BOEDI HARTONO", "BUDI HARTONO")]
    [InlineData("PANDJI", "PANJI")] // modern NJ (N + J) against old NDJ
    [InlineData("JOKO", "YOKO")] // a lone J may be the old spelling's Y: a variant, by decision (see PersonNames)
    public void Old_spelling_matches_as_a_variant(string a, string b)
    {
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.OldSpelling), PersonNames.CompareDetailed(a, b));
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.OldSpelling), PersonNames.CompareDetailed(b, a));
        Assert.Equal(NameMatch.Match, PersonNames.Compare(a, b));
    }

    [Theory]
    [InlineData("MOCH. IKHSAN", "MUHAMMAD IKHSAN")]
    [InlineData("MOHAMAD IKHSAN", "MUHAMMAD IKHSAN")]
    [InlineData("MUH IKHSAN", "MOHAMMAD IKHSAN")]
    [InlineData("MOH. IKHSAN", "MUHAMAD IKHSAN")]
    [InlineData("ABD RAHMAN", "ABDUL RAHMAN")]
    [InlineData("ACHMAD FAUZI", "AHMAD FAUZI")]
    public void Muslim_name_forms_match_as_a_variant(string a, string b)
    {
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.NameForm), PersonNames.CompareDetailed(a, b));
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.NameForm), PersonNames.CompareDetailed(b, a));
    }

    [Theory]
    [InlineData("NUR HAYATI", "NURHAYATI")]
    [InlineData("SITI NURHAYATI", "NUR HAYATI SITI")]
    [InlineData("WULANDARI<<SRI<RAHAYU", "SRIRAHAYU WULANDARI")]
    public void Spacing_inside_a_name_matches_as_a_variant(string a, string b)
    {
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.Spacing), PersonNames.CompareDetailed(a, b));
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.Spacing), PersonNames.CompareDetailed(b, a));
    }

    [Fact]
    public void Rules_combine_and_are_all_reported()
    {
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.OldSpelling | NameVariants.NameForm | NameVariants.Spacing),
            PersonNames.CompareDetailed("MOCHAMAD NOER HIDAJAT", "MUHAMMAD NURHIDAYAT"));
        Assert.Equal(new NameComparison(NameMatch.Match, NameVariants.OldSpelling | NameVariants.NameForm),
            PersonNames.CompareDetailed("H. MOCH. DJAELANI", "MUHAMMAD JAELANI"));
    }

    [Fact]
    public void The_same_tokens_are_an_exact_match()
    {
        var c = PersonNames.CompareDetailed("Hj. Sri Rahayu Wulandari", "WULANDARI<<SRI<RAHAYU");
        Assert.True(c.IsExact);
        Assert.Equal(NameVariants.None, c.Variants);
        Assert.False(PersonNames.CompareDetailed("SRI RAHAJU", "SRI RAHAYU").IsExact);
    }

    [Theory]
    [InlineData("SRI RAHAYU", "SRI RAHMAWATI")]
    [InlineData("DJOKO", "YOKO")] // the old DJ is today's J, never Y
    [InlineData("SUKARNO", "SUHARNO")]
    [InlineData("CANDRA", "CHANDRA")] // CH is KH in the old spelling; C was TJ
    [InlineData("MUHAMMAD", "MAHMUD")]
    [InlineData("ABDUL", "ABDULLAH")]
    [InlineData("M. ALI", "MUHAMMAD ALI")] // an initial is not expanded
    [InlineData("NUR HAYATI", "NURHAYATI SITI")] // a token more
    [InlineData("NUR HAYATI", "HAYATI NUR SITI")]
    [InlineData("NURHAYATI", "HAYATI NUR")] // joined parts keep their letter order
    [InlineData("SRI SRI WULANDARI", "SRI WULANDARI WULANDARI")]
    [InlineData("SITI AMINAH", "SITI AMINAH PUTRI")]
    [InlineData("JOKO", "YOGO")]
    public void Other_names_do_not_match(string a, string b)
    {
        Assert.Equal(new NameComparison(NameMatch.Mismatch, NameVariants.None), PersonNames.CompareDetailed(a, b));
        Assert.Equal(NameMatch.Mismatch, PersonNames.Compare(b, a));
    }

    [Fact]
    public void Normalize_keeps_the_name_as_written()
    {
        Assert.Equal("SRI RAHAJU", PersonNames.Normalize("Sri Rahaju"));
        Assert.Equal("MOCH DJOKO", PersonNames.Normalize("Moch. Djoko"));
        Assert.Equal("NUR HAYATI", PersonNames.Normalize("Nur Hayati"));
    }
}
