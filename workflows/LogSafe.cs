using System.Text.RegularExpressions;

namespace Pulang.Workflows;

/// <summary>
/// Masks text that may echo input (validation messages, exception messages) before it goes into a log:
/// anything quoted becomes <c>'***'</c> and every run of digits (with date or number separators) becomes
/// <c>#</c>, so names, NIKs, passport and SPLP numbers and birth dates cannot pass through.
/// </summary>
public static partial class LogSafe
{
    /// <summary>The masked text (empty for null), at most 300 characters.</summary>
    public static string Mask(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var masked = Digits().Replace(Quoted().Replace(text, "'***'"), "#");
        return masked.Length > 300 ? masked[..300] + "..." : masked;
    }

    [GeneratedRegex("'[^']*'|\"[^\"]*\"|«[^»]*»")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"[A-Za-z]*\d[\dA-Za-z\-/.]*")]
    private static partial Regex Digits();
}
