using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Documents;

/// <summary>
/// The kinds of scanned paper a case can hold. The route segment is the lower-case kebab name
/// (<c>passport</c>, <c>splp</c>, <c>ktp</c>, <c>kk</c>, <c>health-screening</c>, <c>assessment-form</c>,
/// <c>pickup-letter</c>, <c>other</c>, <c>investigation</c>).
/// </summary>
public enum DocumentKind
{
    /// <summary>Passport data page (ICAO 9303 TD3, with MRZ).</summary>
    Passport,
    /// <summary>Surat Perjalanan Laksana Paspor: emergency travel document issued by an embassy; no MRZ.</summary>
    Splp,
    /// <summary>Kartu Tanda Penduduk: identity card carrying the NIK.</summary>
    Ktp,
    /// <summary>Kartu Keluarga: family card.</summary>
    Kk,
    /// <summary>Health screening result.</summary>
    HealthScreening,
    /// <summary>Formulir Asesmen Sosial: the social assessment form.</summary>
    AssessmentForm,
    /// <summary>Family pick-up letter.</summary>
    PickupLetter,
    /// <summary>Anything else worth keeping with the case.</summary>
    Other,
    /// <summary>
    /// Investigation papers (e.g. a statement to police): restricted. Only investigators and admins upload or see
    /// them; they are left out of case views for everyone else, and out of the dossier and the release record.
    /// </summary>
    Investigation,
}

/// <summary>Route names of <see cref="DocumentKind"/> and the rules about which kinds a case needs.</summary>
public static class DocumentKinds
{
    static readonly Dictionary<string, DocumentKind> ByRoute = new(StringComparer.Ordinal)
    {
        ["passport"] = DocumentKind.Passport,
        ["splp"] = DocumentKind.Splp,
        ["ktp"] = DocumentKind.Ktp,
        ["kk"] = DocumentKind.Kk,
        ["health-screening"] = DocumentKind.HealthScreening,
        ["assessment-form"] = DocumentKind.AssessmentForm,
        ["pickup-letter"] = DocumentKind.PickupLetter,
        ["other"] = DocumentKind.Other,
        ["investigation"] = DocumentKind.Investigation,
    };

    /// <summary>All route names, in declaration order.</summary>
    public static IReadOnlyCollection<string> RouteNames => ByRoute.Keys;

    /// <summary>Parses a route segment (exact, lower case). Returns false for anything else.</summary>
    public static bool TryParse(string? route, out DocumentKind kind) =>
        ByRoute.TryGetValue(route ?? string.Empty, out kind);

    /// <summary>The route segment of <paramref name="kind"/>.</summary>
    public static string ToRoute(this DocumentKind kind) => ByRoute.First(p => p.Value == kind).Key;

    /// <summary>True for restricted kinds (<see cref="DocumentKind.Investigation"/>): visible only to investigators and admins.</summary>
    public static bool IsRestricted(this DocumentKind kind) => kind == DocumentKind.Investigation;

    /// <summary>True for the kinds that identify the person for travel (passport or SPLP).</summary>
    public static bool IsIdentityDocument(this DocumentKind kind) => kind is DocumentKind.Passport or DocumentKind.Splp;

    /// <summary>
    /// What an OCR engine is told about a scan of <paramref name="kind"/>: its route name (picks the Document Intelligence model,
    /// tags the span) and its layout (a passport's MRZ band, a KK's ruled member table).
    /// </summary>
    public static OcrHint ToOcrHint(this DocumentKind kind) => new(kind.ToRoute(), kind switch
    {
        DocumentKind.Passport => ScanLayout.PassportMrz,
        DocumentKind.Kk => ScanLayout.RuledTable,
        _ => ScanLayout.Plain,
    });
}
