using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Documents;

/// <summary>
/// Checks over one document's fields (by <see cref="FieldNames"/>; dates ISO <c>yyyy-MM-dd</c>, sex <c>F</c>/<c>M</c>) that
/// both the reader (<see cref="DocumentReader"/>, on what OCR read) and the decider (<see cref="Verification"/>, on what a
/// verifier corrected) apply, so each rule is written once. Pure: no I/O, no clock (<c>today</c> is passed in).
/// Finding messages never contain personal data; <see cref="Finding.Expected"/>/<see cref="Finding.Actual"/> do.
/// </summary>
public static class FieldChecks
{
    /// <summary>
    /// The NIK's own validity and its agreement with the document's birth date and sex: the findings of
    /// <see cref="Nik.Decode(string?, DateOnly)"/> (<c>nik.length</c>, <c>nik.format</c>, <c>nik.day</c>, <c>nik.invalid-date</c>,
    /// <c>nik.province</c>, <c>nik.regency</c>, <c>nik.district</c>, <c>nik.serial</c>), then, for a valid NIK, <c>nik.birth-date</c> (Expected = printed date, Actual = the
    /// NIK's) and <c>nik.sex</c> (day + 40 for women; Expected = printed sex, Actual = the NIK's). Empty when there is no NIK.
    /// </summary>
    /// <param name="fields">The document's fields.</param>
    /// <param name="today">Reference date for the NIK's century rule.</param>
    public static IReadOnlyList<Finding> Nik(IReadOnlyDictionary<string, string> fields, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var findings = new List<Finding>();
        if (!fields.TryGetValue(FieldNames.Nik, out var nik) || nik is null) return findings;
        var decoded = Documents.Nik.Decode(nik, today);
        findings.AddRange(decoded.Findings);
        if (!decoded.IsValid) return findings;
        if (fields.TryGetValue(FieldNames.BirthDate, out var printed) && printed is not null && decoded.BirthDate is { } nb && DocumentDates.ToIso(nb) != printed)
            findings.Add(new Finding("nik.birth-date", "The birth date encoded in the NIK differs from the printed date of birth.", FieldNames.Nik, Expected: printed, Actual: DocumentDates.ToIso(nb)));
        if (fields.TryGetValue(FieldNames.Sex, out var sex) && sex is not null && decoded.Sex is { } ns && ns.ToString() != sex)
            findings.Add(new Finding("nik.sex", "The sex encoded in the NIK (day + 40 for women) differs from the printed sex.", FieldNames.Nik, Expected: sex, Actual: ns.ToString()));
        return findings;
    }

    /// <summary>
    /// The document versus the case's <paramref name="subject"/> (Expected = the case, Actual = the document):
    /// <c>case.name-mismatch</c> (by <see cref="PersonNames.Compare"/>), <c>case.birth-date-mismatch</c>, <c>case.sex-mismatch</c>,
    /// <c>case.nik-mismatch</c> (when the case knows a NIK), <c>case.nik-birth-date</c> and <c>case.nik-sex</c> (what the NIK encodes).
    /// Only fields the document has are compared.
    /// </summary>
    /// <param name="fields">The document's fields.</param>
    /// <param name="subject">The person of the case, as intake declared them.</param>
    /// <param name="today">Reference date for the NIK's century rule.</param>
    public static IReadOnlyList<Finding> Subject(IReadOnlyDictionary<string, string> fields, Subject subject, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(subject);
        var findings = new List<Finding>();
        if (fields.TryGetValue(FieldNames.FullName, out var name) && name is not null && PersonNames.Compare(subject.FullName, name) == NameMatch.Mismatch)
            findings.Add(new Finding("case.name-mismatch", "The name on the document differs from the case.", FieldNames.FullName, PersonNames.Normalize(subject.FullName), name));
        var caseBirth = DocumentDates.ToIso(subject.BirthDate);
        if (fields.TryGetValue(FieldNames.BirthDate, out var birth) && birth is not null && birth != caseBirth)
            findings.Add(new Finding("case.birth-date-mismatch", "The date of birth on the document differs from the case.", FieldNames.BirthDate, caseBirth, birth));
        if (fields.TryGetValue(FieldNames.Sex, out var sex) && sex is not null && sex != subject.Sex.ToString())
            findings.Add(new Finding("case.sex-mismatch", "The sex on the document differs from the case.", FieldNames.Sex, subject.Sex.ToString(), sex));
        if (fields.TryGetValue(FieldNames.Nik, out var nik) && nik is not null)
        {
            if (subject.Nik is not null && subject.Nik != nik)
                findings.Add(new Finding("case.nik-mismatch", "The NIK on the document differs from the case.", FieldNames.Nik, subject.Nik, nik));
            var decoded = Documents.Nik.Decode(nik, today);
            if (decoded.BirthDate is { } nb && nb != subject.BirthDate)
                findings.Add(new Finding("case.nik-birth-date", "The birth date encoded in the NIK differs from the case.", FieldNames.Nik, caseBirth, DocumentDates.ToIso(nb)));
            if (decoded.Sex is { } ns && ns != subject.Sex)
                findings.Add(new Finding("case.nik-sex", "The sex encoded in the NIK differs from the case.", FieldNames.Nik, subject.Sex.ToString(), ns.ToString()));
        }
        return findings;
    }
}
