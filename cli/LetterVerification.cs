using System.Security.Cryptography;
using System.Text.Json;
using Pulang.Workflows.Letters;
using UglyToad.PdfPig;

namespace Pulang.Cli;

/// <summary>
/// <c>pulang verify-letter &lt;pdf or QR text&gt;</c>: checks a release letter offline (the statement's signature against
/// the release key saved at login, or <c>--key</c>: a PEM file or the service's <c>/.well-known/pulang-release-key</c>
/// JSON) and, unless <c>--offline</c>, online (<c>GET /release-letters/check</c>: the case's audit trail holds the
/// release entry the statement names). From a PDF the statement is read from the document information (<c>/Subject</c>)
/// and must be the same as the one printed on the page.
/// </summary>
public static class LetterVerification
{
    /// <summary>Runs the check; returns the exit code (<see cref="ExitCodes.LetterInvalid"/> when the letter does not hold).</summary>
    public static async Task<int> RunAsync(string input, string? keyFile, bool offline, string? server, Output output, CancellationToken ct)
    {
        string text;
        string? pageProblem = null;
        if (File.Exists(input))
        {
            try
            {
                using var pdf = PdfDocument.Open(input);
                text = pdf.Information.Subject ?? "";
                var printed = ReleaseStatement.FindIn(string.Join("\n", pdf.GetPages().Select(p => p.Text)));
                if (printed != text.Trim()) pageProblem = "Pernyataan yang tercetak di surat berbeda dengan yang tersimpan di PDF.";
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return Report(output, false, $"{input} bukan PDF surat yang terbaca: {e.Message}", "not-checked", null);
            }
        }
        else
        {
            text = input;
        }

        var statement = ReleaseStatement.TryParse(text, out var error);
        if (statement is null) return Report(output, false, error!, "not-checked", null);
        var session = Session.Load();
        using var key = ECDsa.Create();
        var pem = keyFile is null ? session.ReleaseKeyPem : await File.ReadAllTextAsync(keyFile, ct);
        if (pem is null)
        {
            throw new CliException(ExitCodes.BadInput, "Kunci rilis belum ada: jalankan `pulang login`, atau beri --key (PEM, atau JSON dari /.well-known/pulang-release-key).");
        }

        if (pem.TrimStart().StartsWith('{'))
        {
            pem = JsonDocument.Parse(pem).RootElement.GetProperty("publicKeyPem").GetString()!;
        }

        key.ImportFromPem(pem);
        if (!statement.Verify(key, out error)) return Report(output, false, error!, "not-checked", statement);
        if (pageProblem is not null) return Report(output, false, pageProblem, "not-checked", statement);
        if (offline) return Report(output, true, "valid", "not-checked", statement);

        using var api = new Api(server ?? session.Server, null);
        var check = await api.GetJsonAsync($"release-letters/check?statement={Uri.EscapeDataString(statement.ToString())}", ct);
        var trail = check.GetProperty("auditTrail").GetString()!;
        var signature = check.GetProperty("signature").GetString()!;
        return Report(output, check.GetProperty("valid").GetBoolean(), signature == "valid" ? "valid" : "layanan: " + signature, trail, statement);
    }

    static int Report(Output output, bool valid, string signature, string trail, ReleaseStatement? s)
    {
        if (output.Json)
        {
            Output.WriteJson(new { valid, signature, auditTrail = trail, caseId = s?.CaseId, releasedAt = s?.ReleasedAt, auditSequence = s?.AuditSequence, auditHash = s?.AuditHash, keyId = s?.KeyId });
        }
        else
        {
            if (s is not null) output.Line($"Kasus {s.CaseId}, dilepas {s.ReleasedAt:yyyy-MM-dd HH:mm:ss} UTC, jejak audit entri ke-{s.AuditSequence}, kunci {s.KeyId}");
            output.Line(signature == "valid" ? "Tanda tangan: sah" : $"Tanda tangan: TIDAK SAH — {signature}");
            output.Line(trail switch { "valid" => "Jejak audit: cocok", "not-checked" => "Jejak audit: tidak diperiksa", _ => $"Jejak audit: TIDAK COCOK — {trail}" });
            output.Line(valid ? "SURAT SAH" : "SURAT TIDAK SAH");
        }

        return valid ? ExitCodes.Ok : ExitCodes.LetterInvalid;
    }
}
