using System.Text.RegularExpressions;
using Pulang.Web.Hosting;

namespace Pulang.Web.Localization;

/// <summary>
/// A history entry's detail in the reader's language. The decider writes each detail in English (the audit trail and the API
/// keep that text); the Indonesian page shows it translated part by part (the parts are separated by <c>"; "</c>), document
/// kinds, fields and stages by their resource names. A part the table does not know (a new detail) is shown as written.
/// Reasons people typed stay as they are.
/// </summary>
public static partial class HistoryText
{
    /// <summary>The detail <paramref name="detail"/> for the reader of <paramref name="ui"/>: as written in English, translated in Indonesian.</summary>
    public static string For(string detail, Ui ui)
    {
        if (ui.Language != Language.Id || detail.Length == 0)
        {
            return detail;
        }

        // Reasons come last ("sent back: {reason}", "rejected: {reason}; back to assessment"): split only where a known part follows.
        return string.Join("; ", detail.Split("; ").Select(part => Part(part, ui)));
    }

    static string Part(string part, Ui ui)
    {
        string Kind(string route) => ui.TOr($"kind.{route}", route);
        string Fields(string names) => string.Join(", ", names.Split(", ").Select(f => ui.TOr($"field.{f}", f)));
        string Status(string status) => status switch
        {
            "Accepted" => "diterima",
            "NeedsReview" => "perlu diperiksa verifikator",
            "Verified" => "diverifikasi",
            "Rejected" => "ditolak",
            _ => status,
        };

        if (DocumentRead().Match(part) is { Success: true } read)
        {
            return $"{Kind(read.Groups[1].Value)} {read.Groups[2].Value}: {Status(read.Groups[3].Value)}" + (read.Groups[4].Success ? $" ({read.Groups[4].Value})" : "");
        }

        if (DocumentVerified().Match(part) is { Success: true } verified)
        {
            return $"{Kind(verified.Groups[1].Value)} {verified.Groups[2].Value}: diverifikasi"
                + (verified.Groups[3].Success ? $", dikoreksi: {Fields(verified.Groups[3].Value)}" : "")
                + (verified.Groups[4].Success ? $", temuan diakui: {verified.Groups[4].Value}" : "")
                + (verified.Groups[5].Success ? ", dengan catatan" : "");
        }

        if (DocumentRejected().Match(part) is { Success: true } rejected)
        {
            return $"{Kind(rejected.Groups[1].Value)} {rejected.Groups[2].Value}: ditolak ({rejected.Groups[3].Value})";
        }

        if (Reclassified().Match(part) is { Success: true } again)
        {
            return $"{Kind(again.Groups[1].Value)} {again.Groups[2].Value}: diklasifikasi ulang sebagai {Kind(again.Groups[3].Value)}, dibaca lagi sebagai {again.Groups[4].Value}";
        }

        if (Reminder().Match(part) is { Success: true } reminder)
        {
            return $"pengingat: {ui.TOr($"stage.{reminder.Groups[1].Value}", reminder.Groups[1].Value)}";
        }

        foreach (var (pattern, replacement) in Simple)
        {
            if (pattern.IsMatch(part))
            {
                return pattern.Replace(part, replacement, 1);
            }
        }

        return part;
    }

    static readonly (Regex Pattern, string Replacement)[] Simple =
    [
        (new Regex("^repeat: document already recorded$"), "ulangan: dokumen sudah tercatat"),
        (new Regex("^duplicate of (\\S+): same bytes, not added again$"), "duplikat dari $1: isi berkas sama, tidak ditambahkan lagi"),
        (new Regex("^asesmen submitted$"), "asesmen diajukan"),
        (new Regex("^asesmen sent back: (.*)$", RegexOptions.Singleline), "asesmen dikembalikan: $1"),
        (new Regex("^asesmen approved$"), "asesmen disetujui"),
        (new Regex("^dossier ([0-9a-f]+)$"), "berkas $1"),
        (new Regex("^(KemenP2MI|Kemensos) rejected: (.*)$", RegexOptions.Singleline), "$1 menolak: $2"),
        (new Regex("^back to assessment$"), "kembali ke asesmen"),
        (new Regex("^(KemenP2MI|Kemensos) approved$"), "$1 menyetujui"),
        (new Regex("^hold (\\S+) placed$"), "penahanan $1 dipasang"),
        (new Regex("^hold (\\S+) lifted$"), "penahanan $1 dicabut"),
        (new Regex("^other holds remain$"), "penahanan lain masih ada"),
        (new Regex("^withdrawn$"), "ditarik"),
        (new Regex("^reminder for a stage already left$"), "pengingat untuk tahap yang sudah dilewati"),
        (new Regex("^overdue after (\\d+) reminders$"), "terlambat setelah $1 pengingat"),
        (new Regex("^documents incomplete again \\((.*)\\)$"), "dokumen kembali belum lengkap ($1)"),
        (new Regex("^documents complete, dossier ([0-9a-f]+)$"), "dokumen lengkap, berkas $1"),
        (new Regex("^documents complete$"), "dokumen lengkap"),
        (new Regex("^dossier changed to ([0-9a-f]+), earlier sign-offs no longer count$"), "berkas berubah menjadi $1, tanda tangan sebelumnya tidak berlaku lagi"),
        (new Regex("^release waits for the hold$"), "pemulangan menunggu penahanan dicabut"),
        (new Regex("^released$"), "dipulangkan"),
    ];

    [GeneratedRegex("^([a-z-]+) (\\S+): (Accepted|NeedsReview|Verified|Rejected)(?: \\((.+)\\))?$")]
    private static partial Regex DocumentRead();

    [GeneratedRegex("^([a-z-]+) (\\S+): verified(?:, corrected ((?:(?!, acknowledged|, with a note).)+))?(?:, acknowledged ((?:(?!, with a note).)+))?(, with a note)?$")]
    private static partial Regex DocumentVerified();

    [GeneratedRegex("^([a-z-]+) (\\S+): rejected \\((.+)\\)$")]
    private static partial Regex DocumentRejected();

    [GeneratedRegex("^([a-z-]+) (\\S+): re-classified as ([a-z-]+), read again as (\\S+)$")]
    private static partial Regex Reclassified();

    [GeneratedRegex("^reminder: (\\w+)$")]
    private static partial Regex Reminder();
}
