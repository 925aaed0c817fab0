using Pulang.Workflows.Documents;

namespace Pulang.Workflows.Domain;

/// <summary>
/// Compares the same person across a case's documents (passport, SPLP, KTP, assessment form). Pure: no I/O, no clock.
/// For each other document, on the fields both carry:
/// <list type="bullet">
/// <item><c>cross.name-mismatch</c>: full names differ by <see cref="PersonNames.Compare"/> (order, titles, spacing and
/// BIN/BINTI ignored; pre-1972 spellings and common name forms such as RAHAJU/RAHAYU or MOCH./MUHAMMAD match; a single OCR error
/// does not).</item>
/// <item><c>cross.birth-date-mismatch</c>, <c>cross.sex-mismatch</c>: ISO birth dates or sex codes differ.</item>
/// <item><c>cross.nik-mismatch</c>: NIKs differ (KTP, SPLP, assessment form).</item>
/// <item><c>cross.passport-number-mismatch</c>: the passport's number differs from the SPLP's last passport number
/// (only between a passport and an SPLP: two passports of one person may legitimately differ).</item>
/// </list>
/// Each finding's <see cref="Finding.Expected"/> names where the other value came from (<c>"{kind} {documentId}: {value}"</c>, the
/// other document's fields with a verifier's corrections) and <see cref="Finding.Actual"/> is the new document's value (as read, with
/// the corrections when it is being verified).
/// Messages name kinds and document IDs only, never personal data. A field that is absent, blank or null on either side is not
/// compared (never an exception).
/// </summary>
public static class CrossDocumentChecks
{
    /// <summary>The disagreements between <paramref name="newDocument"/> and each of <paramref name="others"/> (itself skipped).</summary>
    /// <param name="newDocument">The document just read or just verified; its <see cref="CaseDocument.EffectiveFields"/> are compared.</param>
    /// <param name="others">Documents to compare with (callers pass the counting ones); their <see cref="CaseDocument.EffectiveFields"/> are used.</param>
    public static IReadOnlyList<Finding> Check(CaseDocument newDocument, IEnumerable<CaseDocument> others)
    {
        ArgumentNullException.ThrowIfNull(newDocument);
        ArgumentNullException.ThrowIfNull(others);
        var findings = new List<Finding>();
        var mine = newDocument.EffectiveFields;
        foreach (var other in others)
        {
            if (other.DocumentId == newDocument.DocumentId) continue;
            var theirs = other.EffectiveFields;
            var source = $"{other.Kind.ToRoute()} {other.DocumentId}";

            if (Both(mine, theirs, FieldNames.FullName, out var a, out var b) && PersonNames.Compare(a, b) == NameMatch.Mismatch)
                findings.Add(Make("cross.name-mismatch", "name", FieldNames.FullName, source, b, a));
            if (Both(mine, theirs, FieldNames.BirthDate, out a, out b) && a != b)
                findings.Add(Make("cross.birth-date-mismatch", "date of birth", FieldNames.BirthDate, source, b, a));
            if (Both(mine, theirs, FieldNames.Sex, out a, out b) && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
                findings.Add(Make("cross.sex-mismatch", "sex", FieldNames.Sex, source, b, a));
            if (Both(mine, theirs, FieldNames.Nik, out a, out b) && a != b)
                findings.Add(Make("cross.nik-mismatch", "NIK", FieldNames.Nik, source, b, a));
            if (IsPassportAndSplp(newDocument.Kind, other.Kind) && Both(mine, theirs, FieldNames.PassportNumber, out a, out b)
                && !string.Equals(a, b, StringComparison.OrdinalIgnoreCase))
                findings.Add(Make("cross.passport-number-mismatch", "passport number", FieldNames.PassportNumber, source, b, a));
        }
        return findings;
    }

    static bool IsPassportAndSplp(DocumentKind a, DocumentKind b) =>
        (a == DocumentKind.Passport && b == DocumentKind.Splp) || (a == DocumentKind.Splp && b == DocumentKind.Passport);

    static bool Both(IReadOnlyDictionary<string, string> mine, IReadOnlyDictionary<string, string> theirs, string field, out string a, out string b)
    {
        // Null-safe: a value stored as JSON null (e.g. an old unchecked correction) counts as absent.
        a = mine.TryGetValue(field, out var x) ? x?.Trim() ?? "" : "";
        b = theirs.TryGetValue(field, out var y) ? y?.Trim() ?? "" : "";
        return a.Length > 0 && b.Length > 0;
    }

    static Finding Make(string code, string what, string field, string source, string theirs, string mine) =>
        new(code, $"The {what} differs from {source}.", field, Expected: $"{source}: {theirs}", Actual: mine);
}
