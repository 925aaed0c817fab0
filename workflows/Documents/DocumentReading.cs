using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Documents;

/// <summary>
/// What Pulang read from one scanned document: the fields it extracted (normalized), and the findings that
/// stop it from being accepted without a person looking.
/// </summary>
/// <param name="Kind">The document kind.</param>
/// <param name="Fields">
/// Extracted fields by standard name (see <see cref="FieldNames"/>); dates ISO 8601 <c>yyyy-MM-dd</c>,
/// sex 'F' or 'M', names upper case single-spaced.
/// </param>
/// <param name="Findings">Problems and doubts; empty means every check passed.</param>
public sealed record DocumentReading(DocumentKind Kind, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<Finding> Findings)
{
    /// <summary>True when nothing needs a person's review.</summary>
    public bool Clean => Findings.Count == 0;
}

/// <summary>
/// One reason a document needs review: a failed check digit, a mismatch with the case or another document,
/// an unreadable field. <paramref name="Code"/> is stable (e.g. <c>mrz.check-digit</c>, <c>nik.birth-date</c>,
/// <c>case.name-mismatch</c>, <c>field.missing</c>); <paramref name="Message"/> is for people.
/// </summary>
/// <param name="Code">Stable machine code.</param>
/// <param name="Message">Human explanation (English).</param>
/// <param name="Field">The field concerned, if any (a <see cref="FieldNames"/> value).</param>
/// <param name="Expected">What the other source says (the case, the other document), if any.</param>
/// <param name="Actual">What this document says, if any.</param>
public sealed record Finding(string Code, string Message, string? Field = null, string? Expected = null, string? Actual = null);

/// <summary>Standard names of extracted fields.</summary>
public static class FieldNames
{
    /// <summary>Full name, given names first, upper case.</summary>
    public const string FullName = "fullName";
    /// <summary>Surname/primary identifier as on the MRZ.</summary>
    public const string Surname = "surname";
    /// <summary>Given names as on the MRZ.</summary>
    public const string GivenNames = "givenNames";
    /// <summary>yyyy-MM-dd.</summary>
    public const string BirthDate = "birthDate";
    /// <summary>Place of birth.</summary>
    public const string BirthPlace = "birthPlace";
    /// <summary>'F' or 'M'.</summary>
    public const string Sex = "sex";
    /// <summary>Passport number (or, on an SPLP, the last passport number).</summary>
    public const string PassportNumber = "passportNumber";
    /// <summary>SPLP number, e.g. KL-SPLP/0457/IX/2025.</summary>
    public const string SplpNumber = "splpNumber";
    /// <summary>16-digit NIK.</summary>
    public const string Nik = "nik";
    /// <summary>ISO 3166-1 alpha-3 nationality.</summary>
    public const string Nationality = "nationality";
    /// <summary>ISO 3166-1 alpha-3 issuing state.</summary>
    public const string IssuingState = "issuingState";
    /// <summary>yyyy-MM-dd.</summary>
    public const string ExpiryDate = "expiryDate";
    /// <summary>MRZ line 1 (44 chars for TD3, 36 for TD2, 30 for TD1).</summary>
    public const string MrzLine1 = "mrzLine1";
    /// <summary>MRZ line 2.</summary>
    public const string MrzLine2 = "mrzLine2";
    /// <summary>MRZ line 3 (TD1 only: the names).</summary>
    public const string MrzLine3 = "mrzLine3";
    /// <summary>Assessment registration number, e.g. ASM/2025/10/0183.</summary>
    public const string AssessmentNumber = "assessmentNumber";
    /// <summary>yyyy-MM-dd.</summary>
    public const string AssessmentDate = "assessmentDate";
    /// <summary>Officer who did the assessment.</summary>
    public const string Assessor = "assessor";
    /// <summary>KK (family card) number: 16 digits.</summary>
    public const string KkNumber = "kkNumber";
    /// <summary>KK: the head of family's name (Nama Kepala Keluarga), upper case.</summary>
    public const string HeadOfFamily = "headOfFamily";
    /// <summary>KK: how many member rows were read (a number).</summary>
    public const string MemberCount = "memberCount";
    /// <summary>KK: 1-based row of the member table that holds the case's person (a number); the person's NIK, name, sex, birth
    /// place and date are then in <see cref="Nik"/>, <see cref="FullName"/>, <see cref="Sex"/>, <see cref="BirthPlace"/>, <see cref="BirthDate"/>.</summary>
    public const string MemberRow = "memberRow";

    /// <summary>KK: the field name of member <paramref name="row"/>'s (1-based) <paramref name="field"/> (<see cref="Nik"/>,
    /// <see cref="FullName"/>, <see cref="Sex"/>, <see cref="BirthPlace"/>, <see cref="BirthDate"/>), e.g. <c>member2.nik</c>.</summary>
    public static string Member(int row, string field) => $"member{row}.{field}";
}
