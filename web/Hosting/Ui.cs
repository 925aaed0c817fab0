using Pulang.Web.Localization;
using Pulang.Workflows.Domain;

namespace Pulang.Web.Hosting;

/// <summary>
/// What every page needs besides its own model: who reads it, in which language, the anti-forgery token for its forms,
/// the current time and path. Built per request by <see cref="WebRequest"/>; passed to each page component as the
/// <c>Ui</c> parameter.
/// </summary>
public sealed class Ui
{
    /// <summary>The signed-in person, or null on the sign-in page.</summary>
    public Actor? Actor { get; init; }

    /// <summary>The reader's language.</summary>
    public required Language Language { get; init; }

    /// <summary>Dates and ages in the reader's language and the display time zone.</summary>
    public required Dates Dates { get; init; }

    /// <summary>The anti-forgery form field's name (hidden input in every form).</summary>
    public required string CsrfField { get; init; }

    /// <summary>The anti-forgery request token (also sent as the <see cref="CsrfHeader"/> header by htmx and upload requests).</summary>
    public required string CsrfToken { get; init; }

    /// <summary>The anti-forgery header name.</summary>
    public required string CsrfHeader { get; init; }

    /// <summary>The request path (for the language switch to come back to). Never carries personal data: routes hold IDs only.</summary>
    public required string Path { get; init; }

    /// <summary>Now (UTC), once per request.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>True when local demo sign-in is available (the self-host's local issuer), false with Entra ID.</summary>
    public bool LocalSignIn { get; init; }

    /// <summary>The string <paramref name="key"/> in the reader's language.</summary>
    public string T(string key) => Text.Get(Language, key);

    /// <summary>The string <paramref name="key"/> with <c>{0}</c>... filled in.</summary>
    public string T(string key, params object?[] args) => string.Format(System.Globalization.CultureInfo.InvariantCulture, Text.Get(Language, key), args);

    /// <summary>The string <paramref name="key"/> when the resources have it, else <paramref name="fallback"/> (finding codes, refusal codes).</summary>
    public string TOr(string key, string fallback) => Text.Find(Language, key) ?? Text.Find(Language.Id, key) ?? fallback;

    /// <summary>True when the reader holds <paramref name="role"/>.</summary>
    public bool Has(string role) => Actor?.Has(role) == true;
}
