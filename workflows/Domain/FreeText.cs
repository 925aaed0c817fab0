using System.Text.RegularExpressions;

namespace Pulang.Workflows.Domain;

/// <summary>
/// What a reason, note, summary or recommendation typed by a person may hold: plain text of at most
/// <see cref="CommandFields.MaxTextLength"/> characters, without markup (a tag such as <c>&lt;script&gt;</c>,
/// <c>&lt;/b&gt;</c>, <c>&lt;!--</c> or <c>&lt;?</c>: a <c>&lt;</c> right before a letter, <c>/</c>, <c>!</c> or <c>?</c>,
/// as HTML reads a tag). A <c>&lt;</c> before a digit or a space (<c>umur &lt;18</c>, <c>a &lt; b</c>) is text. The rule of
/// <see cref="CommandFields.Check"/>; names and places have their own (<see cref="NameText"/>).
/// </summary>
public static partial class FreeText
{
    /// <summary>
    /// Null when <paramref name="value"/> is acceptable (null is: required-ness is checked elsewhere); else the error for
    /// <paramref name="field"/>: <c>field.length</c> or <c>field.value</c> (markup), with a message, Indonesian first, that
    /// does not echo the value.
    /// </summary>
    public static RefusalError? Check(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Length > CommandFields.MaxTextLength)
        {
            return new("field.length", field, $"{field}: paling banyak {CommandFields.MaxTextLength} karakter (at most {CommandFields.MaxTextLength} characters).");
        }

        return Markup().IsMatch(value)
            ? new("field.value", field, $"{field}: teks biasa saja, tanpa markah seperti <script> (plain text only, no markup).")
            : null;
    }

    [GeneratedRegex(@"<(?:/?[A-Za-z]|[!?])", RegexOptions.CultureInvariant)]
    private static partial Regex Markup();
}
