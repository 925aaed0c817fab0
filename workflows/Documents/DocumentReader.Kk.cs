using System.Globalization;
using System.Text.RegularExpressions;
using Pulang.Workflows.Domain;

namespace Pulang.Workflows.Documents;

/// <summary>
/// KK (Kartu Keluarga, family card) reading: the card number (the 16 digits after <c>No.</c> under the title), the head of family
/// (<c>Nama Kepala Keluarga</c>) and the member table, one row per member with a NIK: the name left of the NIK, then sex, place and
/// date of birth right of it (<see cref="FieldNames.Member"/>). The case's person is the member with the case's NIK, else the one
/// member whose name matches the case's (<see cref="PersonNames.Compare"/>) and whose birth date equals it; their NIK, name, sex, birth
/// place and date become the document's <see cref="FieldNames.Nik"/>, <see cref="FieldNames.FullName"/>, ... for the usual checks
/// (so a printed field that disagrees with the NIK or the case gives its finding). No member found, or more than one:
/// <c>kk.person-not-found</c>.
/// </summary>
public static partial class DocumentReader
{
    [GeneratedRegex(@"Kep[a4][l1I]a\s*Ke[l1I]uarga", RegexOptions.IgnoreCase)] private static partial Regex HeadLabel();
    [GeneratedRegex(@"K[a4]rtu\s*Ke[l1I]uarga", RegexOptions.IgnoreCase)] private static partial Regex KkTitle();
    [GeneratedRegex(@"^\W*N[o0]\b\.?", RegexOptions.IgnoreCase)] private static partial Regex KkNumberLabel();

    sealed record Member(int Row, string Nik, string? Name, char? Sex, string? Place, DateOnly? Birth, double Confidence);

    static void ReadKk(Context ctx, Subject subject)
    {
        // The number: on the row labelled "No." just under the title (or on the title's row).
        var title = ctx.Rows.FindIndex(r => KkTitle().IsMatch(r.Text));
        foreach (var row in ctx.Rows.Skip(Math.Max(0, title)).Take(title < 0 ? ctx.Rows.Count : 3))
        {
            var text = KkTitle().Replace(row.Text, "").Trim();
            if (!KkNumberLabel().IsMatch(text) && !KkTitle().IsMatch(row.Text)) continue;
            var token = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => Nik.FromOcrToken(t.Trim(':', '.', ','))).FirstOrDefault(t => t is not null);
            if (token is null) continue;
            var index = row.Text.IndexOf(text, StringComparison.Ordinal);
            ctx.Set(FieldNames.KkNumber, token, row.ConfidenceFrom(Math.Max(0, index), row.Text.Length - Math.Max(0, index)));
            break;
        }
        if (Labelled(ctx, HeadLabel()) is { } head)
            ctx.Set(FieldNames.HeadOfFamily, PersonNames.Normalize(head.Value), head.Confidence);

        var members = new List<Member>();
        foreach (var row in ctx.Rows)
        {
            var words = row.Words;
            var at = -1;
            for (var i = 0; i < words.Count && at < 0; i++)
                if (words[i].Text.Count(char.IsAsciiDigit) >= 12 && Nik.FromOcrToken(words[i].Text.Trim(':', '.', ',', '|')) is not null) at = i;
            // A member row: a NIK with words on both sides (the table header and the card number have no name left of a NIK).
            if (at < 1 || at == words.Count - 1 || KkTitle().IsMatch(row.Text) || KkNumberLabel().IsMatch(row.Text)) continue;
            var nik = Nik.FromOcrToken(words[at].Text.Trim(':', '.', ',', '|'))!;
            var nameWords = words.Take(at).Select(w => w.Text).ToList();
            if (nameWords.Count > 0 && nameWords[0].Trim('.', '|').All(char.IsAsciiDigit)) nameWords.RemoveAt(0); // the row's number
            var name = nameWords.Count == 0 ? null : PersonNames.Normalize(string.Join(' ', nameWords));
            var rest = words.Skip(at + 1).Select(w => w.Text).ToList();
            var sex = SexFromWord(string.Join(' ', rest));
            var skip = rest.Count > 1 && rest[0].Count(char.IsLetter) <= 5 && rest[0].StartsWith('L') ? 2 : 1;
            var after = string.Join(' ', rest.Skip(skip));
            string? place = null;
            DateOnly? birth = null;
            if (DocumentDates.TryFind(after, out var date, out var dateAt))
            {
                birth = date;
                place = after[..dateAt].Trim().TrimEnd(',', '.').Trim().ToUpperInvariant();
            }
            members.Add(new Member(members.Count + 1, nik, name, sex, place, birth, words.Min(w => w.Confidence)));
        }
        foreach (var m in members)
        {
            ctx.Fields[FieldNames.Member(m.Row, FieldNames.Nik)] = m.Nik;
            if (m.Name is not null) ctx.Fields[FieldNames.Member(m.Row, FieldNames.FullName)] = m.Name;
            if (m.Sex is { } s) ctx.Fields[FieldNames.Member(m.Row, FieldNames.Sex)] = s.ToString();
            if (m.Place is { Length: > 0 }) ctx.Fields[FieldNames.Member(m.Row, FieldNames.BirthPlace)] = m.Place;
            if (m.Birth is { } b) ctx.Fields[FieldNames.Member(m.Row, FieldNames.BirthDate)] = DocumentDates.ToIso(b);
        }
        if (members.Count > 0) ctx.Fields[FieldNames.MemberCount] = members.Count.ToString(CultureInfo.InvariantCulture);

        // The case's person: by NIK, else by name and birth date; exactly one member, or a person looks.
        var byNik = subject.Nik is null ? [] : members.Where(m => m.Nik == subject.Nik).ToList();
        var found = byNik.Count > 0 ? byNik
            : members.Where(m => m.Name is not null && m.Birth == subject.BirthDate && PersonNames.Compare(subject.FullName, m.Name) != NameMatch.Mismatch).ToList();
        if (found.Count != 1)
        {
            ctx.Findings.Add(new Finding("kk.person-not-found",
                found.Count == 0 ? "The case's person was not found among the family card's members (by NIK, or by name and date of birth)."
                    : "More than one member of the family card matches the case's person.",
                FieldNames.Nik, Expected: PersonNames.Normalize(subject.FullName)));
            ctx.Require(FieldNames.KkNumber, FieldNames.HeadOfFamily);
            return;
        }
        var p = found[0];
        ctx.Fields[FieldNames.MemberRow] = p.Row.ToString(CultureInfo.InvariantCulture);
        ctx.Set(FieldNames.Nik, p.Nik, p.Confidence);
        ctx.Set(FieldNames.FullName, p.Name, p.Confidence);
        if (p.Sex is { } sex2) ctx.Set(FieldNames.Sex, sex2.ToString(), p.Confidence);
        ctx.Set(FieldNames.BirthPlace, p.Place, 1);
        if (p.Birth is { } b2) ctx.Set(FieldNames.BirthDate, DocumentDates.ToIso(b2), p.Confidence);
        ctx.Require(FieldNames.KkNumber, FieldNames.HeadOfFamily, FieldNames.Nik, FieldNames.FullName, FieldNames.BirthDate, FieldNames.Sex);
    }
}
