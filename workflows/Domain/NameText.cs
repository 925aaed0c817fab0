using System.Globalization;
using System.Text;

namespace Pulang.Workflows.Domain;

/// <summary>
/// What a person's name or a place name typed by a person may hold: the one rule for intake
/// (the intake request, <c>Cases.IntakeRequest</c>) and for a verifier's corrections (<see cref="Verification"/>, run by the decider).
/// A person's name: letters of any script (Unicode categories L*), combining marks (M*), spaces, apostrophes
/// (<c>'</c>, <c>’</c>, <c>ʼ</c>), hyphens (<c>-</c>, <c>‐</c>) and periods, at least one letter, at most
/// <see cref="MaxLength"/> characters. A place name also takes digits, commas, parentheses and slashes
/// (<c>KAB. MALANG, JAWA TIMUR</c>). Markup (<c>&lt;script&gt;</c>), digits in a name, symbols and emoji are refused.
/// </summary>
public static class NameText
{
    /// <summary>Most characters (UTF-16 code units) of a name or place, after trimming.</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Null when <paramref name="value"/> (already trimmed, not blank) is a valid person's name; else why not, Indonesian
    /// first, without echoing the value (it is personal data).
    /// </summary>
    public static string? PersonNameError(string value) => Error(value, place: false);

    /// <summary>Null when <paramref name="value"/> (already trimmed, not blank) is a valid place name; else why not.</summary>
    public static string? PlaceNameError(string value) => Error(value, place: true);

    static string? Error(string value, bool place)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > MaxLength)
        {
            return $"Paling banyak {MaxLength} karakter (at most {MaxLength} characters).";
        }

        var letters = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (IsLetter(category))
            {
                letters++;
            }
            else if (!(IsMark(category) || rune.Value is ' ' or '\'' or '\u2019' or '\u02BC' or '-' or '\u2010' or '.'
                || (place && (Rune.IsDigit(rune) || rune.Value is ',' or '(' or ')' or '/'))))
            {
                return place
                    ? "Nama tempat hanya berisi huruf, angka, spasi, apostrof, tanda hubung, titik, koma, kurung dan garis miring (a place name holds only letters, digits, spaces, ' - . , ( ) /)."
                    : "Nama hanya berisi huruf (aksara apa pun), tanda diakritik, spasi, apostrof, tanda hubung dan titik (a person's name holds only letters of any script, marks, spaces, apostrophes, hyphens and periods).";
            }
        }

        return letters == 0 ? "Nama perlu setidaknya satu huruf (a name needs at least one letter)." : null;
    }

    static bool IsLetter(UnicodeCategory c) => c is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter
        or UnicodeCategory.TitlecaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter;

    static bool IsMark(UnicodeCategory c) => c is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;
}
