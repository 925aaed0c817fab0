namespace Pulang.Workflows.Documents;

/// <summary>
/// The person a case is about, as the starting system declared them at intake. Scanned documents
/// are checked against this.
/// </summary>
/// <param name="FullName">Name as on the manifest, e.g. <c>SRI RAHAYU WULANDARI</c>.</param>
/// <param name="Sex">'F' or 'M' (ICAO 9303 codes).</param>
/// <param name="BirthDate">Date of birth.</param>
/// <param name="Nik">The 16-digit NIK if the starting system knows it, else null.</param>
public sealed record Subject(string FullName, char Sex, DateOnly BirthDate, string? Nik = null);
