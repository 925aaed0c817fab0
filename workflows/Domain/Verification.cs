using System.Globalization;
using System.Text.RegularExpressions;
using Pulang.Workflows.Documents;
using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Domain;

/// <summary>
/// The rules of human verification (<c>POST /api/cases/{id}/documents/{docId}/verification</c>, issue #4 requirement 4), used by
/// the <see cref="Decider"/> only (the HTTP pre-check runs the decider). Pure: no I/O; <c>today</c> is the command's date (UTC).
/// <list type="number">
/// <item><b>Corrections</b> (<see cref="CheckCorrections"/>): only the fields the reader produces for the document's kind
/// (<see cref="CorrectableFields"/>); each value not null, not blank, at most <see cref="MaxValueLength"/> characters, no control
/// characters; per field: NIK by <see cref="Nik.Decode(string?, DateOnly)"/> and agreeing with the document's birth date and sex
/// (<see cref="FieldChecks.Nik"/>); dates ISO <c>yyyy-MM-dd</c> and real (a birth date not after today); sex <c>F</c> or <c>M</c>;
/// passport numbers 1-9 of <c>A-Z0-9</c>; country codes 3 letters. For a passport, corrected MRZ lines must parse as TD3 and pass
/// every ICAO 9303 check digit (<see cref="Mrz.ParseTd3"/>, Part 3 §4.9, Part 4 §4.2.2), and the fields the MRZ carries (number,
/// birth date, sex, expiry, nationality, issuing state, surname, given names; the full name as a name, <see cref="PersonNames.Compare"/>)
/// must equal the (corrected or read) MRZ whenever either
/// side was corrected; without any MRZ, those fields cannot be corrected (send the MRZ lines as printed). Relations are checked
/// whenever one side was corrected, so a correction cannot leave the document contradicting itself.</item>
/// <item><b>Conflicts</b> (<see cref="Conflicts"/>): the document with its corrections against the other counting documents
/// (<see cref="CrossDocumentChecks"/>) and the case (<see cref="FieldChecks.Subject"/>). Each finding must be acknowledged by
/// its code in the request, with a note; acknowledged findings are kept on the document.</item>
/// </list>
/// </summary>
public static partial class Verification
{
    /// <summary>Longest accepted correction value (characters).</summary>
    public const int MaxValueLength = 200;

    /// <summary>Most errors one refusal lists (the case's status carries recent refusals and must stay small).</summary>
    public const int MaxErrors = 20;

    static readonly string[] MrzFields = [FieldNames.PassportNumber, FieldNames.BirthDate, FieldNames.Sex, FieldNames.ExpiryDate,
        FieldNames.Nationality, FieldNames.IssuingState, FieldNames.Surname, FieldNames.GivenNames, FieldNames.FullName];

    /// <summary>
    /// The fields a verifier may correct on a document of <paramref name="kind"/>: what <see cref="DocumentReader"/> extracts for it.
    /// Passport: <c>mrzLine1</c>, <c>mrzLine2</c>, <c>surname</c>, <c>givenNames</c>, <c>fullName</c>, <c>passportNumber</c>,
    /// <c>birthDate</c>, <c>sex</c>, <c>nationality</c>, <c>issuingState</c>, <c>expiryDate</c>. KTP: <c>nik</c>, <c>fullName</c>,
    /// <c>birthDate</c>, <c>birthPlace</c>, <c>sex</c>. SPLP: <c>splpNumber</c>, <c>fullName</c>, <c>birthDate</c>, <c>birthPlace</c>,
    /// <c>sex</c>, <c>nik</c>, <c>passportNumber</c> (the last passport). Assessment form: <c>fullName</c>, <c>nik</c>, <c>birthDate</c>,
    /// <c>birthPlace</c>, <c>sex</c>, <c>assessmentNumber</c>, <c>assessmentDate</c>, <c>assessor</c>. Other kinds: none (they carry no fields).
    /// </summary>
    public static IReadOnlyList<string> CorrectableFields(DocumentKind kind) => kind switch
    {
        DocumentKind.Passport =>
        [
            FieldNames.MrzLine1, FieldNames.MrzLine2, FieldNames.Surname, FieldNames.GivenNames, FieldNames.FullName, FieldNames.PassportNumber,
            FieldNames.BirthDate, FieldNames.Sex, FieldNames.Nationality, FieldNames.IssuingState, FieldNames.ExpiryDate,
        ],
        DocumentKind.Ktp => [FieldNames.Nik, FieldNames.FullName, FieldNames.BirthDate, FieldNames.BirthPlace, FieldNames.Sex],
        DocumentKind.Splp => [FieldNames.SplpNumber, FieldNames.FullName, FieldNames.BirthDate, FieldNames.BirthPlace, FieldNames.Sex, FieldNames.Nik, FieldNames.PassportNumber],
        DocumentKind.AssessmentForm =>
        [
            FieldNames.FullName, FieldNames.Nik, FieldNames.BirthDate, FieldNames.BirthPlace, FieldNames.Sex,
            FieldNames.AssessmentNumber, FieldNames.AssessmentDate, FieldNames.Assessor,
        ],
        _ => [],
    };

    /// <summary>
    /// What is wrong with <paramref name="corrections"/> for <paramref name="document"/> (empty: they may be applied). Codes:
    /// <c>correction.unknown-field</c>, <c>correction.empty</c> (null, empty or blank), <c>correction.too-long</c>,
    /// <c>correction.control-character</c>, <c>correction.date</c> (not a real <c>yyyy-MM-dd</c> date), <c>correction.birth-date-future</c>,
    /// <c>correction.sex</c>, <c>correction.passport-number</c>, <c>correction.country-code</c>, <c>correction.name</c> (not a name or place by <see cref="NameText"/>: markup, symbols, no letter),
    /// the <c>nik.*</c> codes of <see cref="FieldChecks.Nik"/>, <c>mrz.invalid</c> (corrected MRZ lines that do not parse or fail a
    /// check digit; the message lists the failures), <c>mrz.field-mismatch</c> (Expected = the MRZ's value) and
    /// <c>correction.mrz-required</c>. Error messages hold no personal data; Expected/Actual may.
    /// </summary>
    /// <param name="document">The document as read (its <see cref="CaseDocument.Corrections"/> are ignored: a verification replaces them).</param>
    /// <param name="corrections">Field name to value, as the verifier sent them (values may be null when they came from JSON).</param>
    /// <param name="today">The command's date (UTC), for the date rules and the century rules.</param>
    public static IReadOnlyList<RefusalError> CheckCorrections(CaseDocument document, IReadOnlyDictionary<string, string>? corrections, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new List<RefusalError>();
        if (corrections is not { Count: > 0 })
        {
            return errors;
        }

        var allowed = CorrectableFields(document.Kind);
        var usable = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, raw) in corrections.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!allowed.Contains(field))
            {
                errors.Add(new("correction.unknown-field", Shorten(field),
                    allowed.Count == 0
                        ? $"A {document.Kind.ToRoute()} document has no fields to correct."
                        : $"Not a field of a {document.Kind.ToRoute()} document; use one of {string.Join(", ", allowed)}."));
                continue;
            }

            if (string.IsNullOrWhiteSpace(raw))
            {
                errors.Add(new("correction.empty", field, "A correction needs a value; to keep the reading, leave the field out."));
                continue;
            }

            var value = raw.Trim();
            if (value.Length > MaxValueLength)
            {
                errors.Add(new("correction.too-long", field, $"A correction is at most {MaxValueLength} characters."));
                continue;
            }

            if (value.Any(char.IsControl))
            {
                errors.Add(new("correction.control-character", field, "A correction cannot hold control characters (line breaks, tabs)."));
                continue;
            }

            if (FormatError(field, value, today) is { } formatError)
            {
                errors.Add(formatError with { Actual = value });
                continue;
            }

            usable[field] = value;
        }

        var effective = Effective(document.Fields, usable);
        bool Corrected(params string[] fields) => fields.Any(usable.ContainsKey);

        // The NIK itself, and its birth date and sex against the document's.
        // (Skipped when one of them was already refused: the rest would be checked against a value that will not stand.)
        if (Corrected(FieldNames.Nik, FieldNames.BirthDate, FieldNames.Sex) && effective.ContainsKey(FieldNames.Nik)
            && !errors.Any(e => e.Field is FieldNames.Nik or FieldNames.BirthDate or FieldNames.Sex))
        {
            errors.AddRange(FieldChecks.Nik(effective, today).Select(f => new RefusalError(f.Code, FieldNames.Nik, f.Message, f.Expected, f.Actual)));
        }

        if (document.Kind == DocumentKind.Passport)
        {
            CheckPassport(effective, usable, today, errors);
        }

        return errors;
    }

    /// <summary>
    /// The findings a verification must acknowledge: <paramref name="corrected"/> (with its corrections) against the other
    /// documents of <paramref name="state"/> that count and are not restricted (<see cref="CaseState.ComparableDocuments"/>,
    /// <see cref="CrossDocumentChecks.Check"/>) and against the case's subject
    /// (<see cref="FieldChecks.Subject"/>).
    /// </summary>
    public static IReadOnlyList<Finding> Conflicts(CaseState state, CaseDocument corrected, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(corrected);
        return
        [
            .. CrossDocumentChecks.Check(corrected, state.ComparableDocuments.Where(d => d.DocumentId != corrected.DocumentId)),
            .. FieldChecks.Subject(corrected.EffectiveFields, state.Intake.Subject, today),
        ];
    }

    /// <summary>
    /// Decides a verification of <paramref name="document"/> (which needs review) by <paramref name="command"/>: the verified
    /// document, or the refusal. Refusals, in this order: <c>verification.invalid-correction</c> (422, each field's error in
    /// <see cref="Refusal.Errors"/>); <c>verification.acknowledgement-invalid</c> (422: a blank or unknown acknowledged code, one
    /// that is not a finding of this verification, or more than 20 of them); <c>verification.note-required</c> (422: acknowledging
    /// findings needs a note); <c>verification.conflict</c> (409: each unacknowledged finding with both values and where they came
    /// from). The verified document keeps the reading as read, the trimmed corrections, the verifier, <paramref name="now"/> as the
    /// verification time, the note and the acknowledged findings.
    /// </summary>
    public static (CaseDocument? Verified, Refusal? Refusal) Decide(CaseState state, CaseDocument document, VerifyDocument command, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(command);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var errors = CheckCorrections(document, command.Corrections, today);
        if (errors.Count > 0)
        {
            return (null, new Refusal(RefusalKind.Unprocessable, "verification.invalid-correction",
                $"{errors.Count} correction error(s) ({string.Join(", ", errors.Select(e => $"{e.Field}: {e.Code}").Distinct().Take(MaxErrors))}); nothing was changed.",
                Cap(errors)));
        }

        var corrections = command.Corrections is { Count: > 0 } c ? c.ToDictionary(p => p.Key, p => p.Value.Trim(), StringComparer.Ordinal) : null;
        var corrected = document with { Corrections = corrections };
        var findings = Conflicts(state, corrected, today);
        var acknowledged = (command.Acknowledge ?? []).ToList();
        var bad = acknowledged.Where(a => string.IsNullOrWhiteSpace(a) || !findings.Any(f => f.Code == a)).ToList();
        if (acknowledged.Count > MaxErrors || bad.Count > 0)
        {
            return (null, new Refusal(RefusalKind.Unprocessable, "verification.acknowledgement-invalid",
                acknowledged.Count > MaxErrors
                    ? $"At most {MaxErrors} finding codes can be acknowledged."
                    : $"Acknowledged code(s) that are not findings of this verification: {string.Join(", ", bad.Select(Shorten))}. Acknowledge only the codes a refusal listed.",
                Cap([.. bad.Select(b => new RefusalError("verification.not-a-finding", null, "Not a finding of this verification.", Actual: Shorten(b)))])));
        }

        if (acknowledged.Count > 0 && string.IsNullOrWhiteSpace(command.Note))
        {
            return (null, new Refusal(RefusalKind.Unprocessable, "verification.note-required", "Acknowledging findings needs a note saying why the document is right."));
        }

        var open = findings.Where(f => !acknowledged.Contains(f.Code)).ToList();
        if (open.Count > 0)
        {
            return (null, new Refusal(RefusalKind.Conflict, "verification.conflict",
                $"The document (with its corrections) disagrees with the case or another document that counts ({string.Join(", ", open.Select(f => f.Code).Distinct())}). Correct it, or acknowledge these codes with a note.",
                Cap([.. open.Select(f => new RefusalError(f.Code, f.Field, f.Message, f.Expected, f.Actual))])));
        }

        var verified = corrected with
        {
            Status = DocumentStatus.Verified,
            VerifiedBy = command.Actor.Id,
            VerifiedAt = now,
            VerificationNote = string.IsNullOrWhiteSpace(command.Note) ? null : command.Note.Trim(),
            AcknowledgedFindings = findings.Count > 0 ? findings : null,
        };
        return (verified, null);
    }

    static RefusalError? FormatError(string field, string value, DateOnly today)
    {
        switch (field)
        {
            case FieldNames.BirthDate or FieldNames.ExpiryDate or FieldNames.AssessmentDate:
                if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return new("correction.date", field, "A date is written yyyy-MM-dd and must be a real calendar date.");
                if (field == FieldNames.BirthDate && date > today)
                    return new("correction.birth-date-future", field, "A date of birth cannot be in the future.");
                return null;
            case FieldNames.Sex:
                return value is "F" or "M" ? null : new("correction.sex", field, "Sex is F or M.");
            case FieldNames.PassportNumber:
                return PassportNumber().IsMatch(value) ? null : new("correction.passport-number", field, "A passport number is 1-9 characters A-Z and 0-9 (as in the MRZ, without fillers).");
            case FieldNames.Nationality or FieldNames.IssuingState:
                return CountryCode().IsMatch(value) ? null : new("correction.country-code", field, "A country code is 3 letters A-Z (ICAO 9303 / ISO 3166-1 alpha-3).");
            case FieldNames.Nik:
                var nik = Nik.Decode(value, today);
                return nik.IsValid ? null : new(nik.Findings[0].Code, field, string.Join(" ", nik.Findings.Select(f => f.Message)));
            case FieldNames.FullName or FieldNames.Surname or FieldNames.GivenNames or FieldNames.Assessor:
                return NameText.PersonNameError(value) is { } nameError ? new("correction.name", field, nameError) : null;
            case FieldNames.BirthPlace:
                return NameText.PlaceNameError(value) is { } placeError ? new("correction.name", field, placeError) : null;
            default:
                return null;
        }
    }

    static void CheckPassport(Dictionary<string, string> effective, Dictionary<string, string> usable, DateOnly today, List<RefusalError> errors)
    {
        var mrzCorrected = usable.ContainsKey(FieldNames.MrzLine1) || usable.ContainsKey(FieldNames.MrzLine2);
        effective.TryGetValue(FieldNames.MrzLine1, out var line1);
        effective.TryGetValue(FieldNames.MrzLine2, out var line2);
        MrzTd3? mrz = null;
        if (line1 is not null || line2 is not null)
        {
            mrz = Mrz.ParseTd3(line1, line2, today);
            if (mrzCorrected && mrz is not { IsValid: true })
            {
                var field = usable.ContainsKey(FieldNames.MrzLine2) ? FieldNames.MrzLine2 : FieldNames.MrzLine1;
                errors.Add(new("mrz.invalid", field, mrz is null
                    ? $"The MRZ lines must be two TD3 lines of {Mrz.Td3LineLength} characters A-Z, 0-9 and '<', line 1 starting with P (ICAO 9303 Part 4)."
                    : $"The MRZ fails ICAO 9303 checks: {string.Join(", ", mrz.Errors)}.", Actual: $"{line1}\n{line2}"));
                return;
            }
        }

        var touched = MrzFields.Where(usable.ContainsKey).ToList();
        if (mrz is not { IsValid: true })
        {
            // No MRZ to prove them: the check digits are what makes these fields exact.
            foreach (var f in touched)
                errors.Add(new("correction.mrz-required", f, "This passport has no valid MRZ; send mrzLine1 and mrzLine2 as printed, so the check digits confirm this field."));
            return;
        }

        // What the MRZ says, mapped as the reader maps it; a TD3 zone's document number is the passport number, and the sex
        // cell is shown as printed even when it is neither F nor M (the reader then sets no sex).
        var fromMrz = DocumentReader.MrzFieldValues(mrz);
        foreach (var f in mrzCorrected ? MrzFields.Where(effective.ContainsKey) : touched)
        {
            var expected = f switch
            {
                FieldNames.PassportNumber => mrz.DocumentNumber,
                FieldNames.Sex => mrz.Sex.ToString(),
                _ => fromMrz.GetValueOrDefault(f),
            };
            // The full name is what the case and other documents are compared with: it must be the MRZ's name (order, titles
            // and spacing aside, PersonNames), or a correction could clear a name conflict the MRZ still shows.
            var same = f == FieldNames.FullName
                ? expected is not null && PersonNames.Compare(expected, effective[f]) == NameMatch.Match
                : string.Equals(expected, effective[f], StringComparison.Ordinal);
            if (!same)
                errors.Add(new("mrz.field-mismatch", f, "The field differs from what the MRZ says; correct both to what the passport prints.", Expected: expected, Actual: effective[f]));
        }
    }

    static Dictionary<string, string> Effective(IReadOnlyDictionary<string, string> read, Dictionary<string, string> corrections)
    {
        var effective = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in read)
        {
            if (v is not null) effective[k] = v;
        }

        foreach (var (k, v) in corrections)
        {
            effective[k] = v;
        }

        return effective;
    }

    static IReadOnlyList<RefusalError> Cap(IReadOnlyList<RefusalError> errors) =>
        [.. errors.Take(MaxErrors).Select(e => e with { Expected = Cut(e.Expected), Actual = Cut(e.Actual) })];

    static string? Cut(string? s) => s is { Length: > 2 * MaxValueLength } ? s[..(2 * MaxValueLength)] + "..." : s;

    static string Shorten(string? s)
    {
        var t = new string([.. (s ?? "").Where(c => !char.IsControl(c)).Take(64)]);
        return (s?.Length ?? 0) > 64 ? t + "..." : t;
    }

    [GeneratedRegex("^[A-Z0-9]{1,9}$")]
    private static partial Regex PassportNumber();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CountryCode();
}
