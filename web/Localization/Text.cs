using System.Globalization;
using System.Resources;

namespace Pulang.Web.Localization;

/// <summary>The two languages of the web app: Indonesian (the default) and English.</summary>
public enum Language
{
    /// <summary>Bahasa Indonesia (default).</summary>
    Id,
    /// <summary>English.</summary>
    En,
}

/// <summary>
/// Every string people read in the web app, from two neutral resource sets (<c>Localization/Strings.resx</c>, Indonesian;
/// <c>Localization/StringsEn.resx</c>, English). The hosts run with invariant globalization, so there are no satellite
/// cultures: each language is its own resource set, and dates are formatted here with month names from the resources.
/// </summary>
public static class Text
{
    static readonly ResourceManager Indonesian = new("Pulang.Web.Strings.id", typeof(Text).Assembly);
    static readonly ResourceManager English = new("Pulang.Web.Strings.en", typeof(Text).Assembly);

    /// <summary>The string <paramref name="key"/> in <paramref name="language"/>, or null when that language lacks it.</summary>
    public static string? Find(Language language, string key) =>
        (language == Language.En ? English : Indonesian).GetString(key, CultureInfo.InvariantCulture);

    /// <summary>The string <paramref name="key"/> in <paramref name="language"/>, else in Indonesian, else the key itself.</summary>
    public static string Get(Language language, string key) => Find(language, key) ?? Find(Language.Id, key) ?? key;

    /// <summary>Every key of a language's resource set (for tests: both sets must have the same keys).</summary>
    public static IReadOnlyCollection<string> Keys(Language language)
    {
        var set = (language == Language.En ? English : Indonesian).GetResourceSet(CultureInfo.InvariantCulture, true, false)!;
        return [.. set.Cast<System.Collections.DictionaryEntry>().Select(e => (string)e.Key)];
    }

    /// <summary>Parses a language code (<c>id</c>, <c>en</c>); anything else is Indonesian.</summary>
    public static Language Parse(string? code) => string.Equals(code, "en", StringComparison.OrdinalIgnoreCase) ? Language.En : Language.Id;

    /// <summary>The BCP 47 code of <paramref name="language"/> (<c>id</c>, <c>en</c>) for <c>lang</c> attributes and the cookie.</summary>
    public static string Code(this Language language) => language == Language.En ? "en" : "id";
}
