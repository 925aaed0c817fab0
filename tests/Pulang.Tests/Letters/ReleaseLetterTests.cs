using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pulang.Tests.Cli;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows.Domain;
using Pulang.Workflows.Letters;
using SkiaSharp;
using UglyToad.PdfPig;
using ZXing;

namespace Pulang.Tests.Letters;

/// <summary>
/// The release letter end to end on the real self-host: two cases carried to release over HTTP, each letter's text
/// (PdfPig) holds the release record's facts, its QR code read from the page rendered by pdftoppm (ZXing.Net) verifies
/// with <c>pulang verify-letter</c> offline and online; a changed byte, a statement of another case and a statement
/// signed by another key do not.
/// </summary>
public sealed class ReleaseLetterTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The first page of <paramref name="pdf"/> rendered by pdftoppm at 150 dpi (PNG path).</summary>
    static string Render(string pdf)
    {
        var prefix = Path.ChangeExtension(pdf, null);
        using var p = Process.Start(new ProcessStartInfo("pdftoppm", ["-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", pdf, prefix]) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, p.StandardError.ReadToEnd());
        return prefix + ".png";
    }

    /// <summary>The QR code's text on a rendered page, or null.</summary>
    static string? ReadQr(string png)
    {
        using var decoded = SKBitmap.Decode(png);
        using var bitmap = decoded.Copy(SKColorType.Bgra8888);
        var source = new RGBLuminanceSource(bitmap.Bytes, bitmap.Width, bitmap.Height, RGBLuminanceSource.BitmapFormat.BGRA32);
        var reader = new BarcodeReaderGeneric { Options = { PossibleFormats = [BarcodeFormat.QR_CODE], TryHarder = true } };
        return reader.Decode(source)?.Text;
    }

    [Fact]
    public async Task A_released_case_has_a_letter_whose_QR_verifies_and_a_changed_or_foreign_one_does_not()
    {
        var hub = TestStorage.NewTaskHub("letter");
        await using var host = new SelfHostProcess(storage.ConnectionString, hub, new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens) { RoundDelay = TimeSpan.FromMilliseconds(300) };
        var reader = host.Tokens.MintDemo("bp3mi-reader");

        // Before release: 404 problem.
        var early = await driver.DriveAsync($"LTR-{hub}-0", Ct, s => s.Stage == Stage.DocumentsPending);
        var notYet = await host.Client.GetAsync($"/api/cases/{early.CaseId}/release/letter", reader, Ct);
        Assert.Equal(HttpStatusCode.NotFound, notYet.Status);
        Assert.Equal("release.not-found", notYet.Json.GetProperty("code").GetString());

        var released = await Task.WhenAll(driver.DriveAsync($"LTR-{hub}-A", Ct), driver.DriveAsync($"LTR-{hub}-B", Ct));
        var folder = Path.Combine(Path.GetTempPath(), $"pulang-letter-{hub}");
        Directory.CreateDirectory(folder);
        var letters = new List<(string CaseId, string Pdf, string Qr, ReleaseRecord Record)>();
        foreach (var (caseId, _) in released)
        {
            var response = await host.Client.Http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/cases/{caseId}/release/letter") { Headers = { Authorization = new("Bearer", reader) } }, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
            var pdf = Path.Combine(folder, $"{caseId}.pdf");
            await File.WriteAllBytesAsync(pdf, await response.Content.ReadAsByteArrayAsync(Ct), Ct);
            var record = (await host.Client.GetAsync($"/api/cases/{caseId}/release", reader, Ct)).EnsureSuccess().Json.Deserialize<ReleaseRecord>(Pulang.Workflows.PulangJson.Options)!;

            // The text holds the release record's facts.
            using (var document = PdfDocument.Open(pdf))
            {
                var text = string.Join("\n", document.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
                Assert.Contains("SURAT KETERANGAN PEMULANGAN", text);
                Assert.Contains(caseId, text);
                Assert.Contains(record.ExternalReference, text);
                Assert.Contains("SRI RAHAYU WULANDARI", text);
                Assert.Contains("Kementerian Pelindungan Pekerja Migran Indonesia (KemenP2MI)", text);
                Assert.Contains("Kementerian Sosial Republik Indonesia (Kemensos)", text);
                Assert.Contains("disetujui oleh p2mi-official pada", text);
                Assert.Contains("disetujui oleh kemensos-official pada", text);
                Assert.Contains(ReleaseLetter.Time(record.ReleasedAt), text);
                Assert.Contains(ReleaseLetter.Time(ReleaseLetter.SignOffOf(record, Ministry.Kemensos)!.SignedAt), text);
                Assert.Contains(record.DossierDigest, text);
                Assert.Contains(record.AuditHead!.Hash, text);
            }

            // The QR code on the rendered page carries the signed statement.
            var qr = ReadQr(Render(pdf));
            Assert.NotNull(qr);
            var statement = ReleaseStatement.TryParse(qr, out var error);
            Assert.True(statement is not null, error);
            Assert.Equal(caseId, statement.CaseId);
            Assert.Equal(record.AuditHead.Sequence, statement.AuditSequence);
            Assert.Equal(ReleaseStatement.Truncate(record.ReleasedAt), statement.ReleasedAt);
            letters.Add((caseId, pdf, qr, record));
        }

        var (a, b) = (letters[0], letters[1]);
        var cli = new CliProcess(Path.Combine(folder, "session", "cli.json"));
        await cli.LoginAsync(host, "bp3mi-reader", Ct);
        async Task<CliRun> Verify(params string[] args) => await cli.RunAsync(["verify-letter", .. args], ct: Ct);

        // The QR text and the PDF verify, online and offline.
        var ok = await Verify(a.Qr);
        Assert.True(ok.ExitCode == 0, ok.ToString());
        Assert.Contains("Jejak audit: cocok", ok.Output);
        Assert.Contains("SURAT SAH", ok.Output);
        Assert.True((await Verify(a.Pdf)).ExitCode == 0);
        Assert.True((await Verify(b.Qr, "--offline")).ExitCode == 0);

        // One changed character in the statement: the signature fails.
        var i = a.Qr.IndexOf(";a=", StringComparison.Ordinal) + 3;
        var changed = a.Qr[..i] + (a.Qr[i] == '9' ? '8' : (char)(a.Qr[i] + 1)) + a.Qr[(i + 1)..];
        var bad = await Verify(changed);
        Assert.True(bad.ExitCode == 7, bad.ToString());
        Assert.Contains("Tanda tangan: TIDAK SAH", bad.Output);

        // One changed byte in the PDF's statement (its time), same length: the signature fails too.
        var bytes = await File.ReadAllBytesAsync(a.Pdf, Ct);
        var at = Encoding.Latin1.GetString(bytes).IndexOf(";t=", Encoding.Latin1.GetString(bytes).IndexOf("PULANG-RILIS/1;c=", StringComparison.Ordinal), StringComparison.Ordinal) + 3;
        bytes[at + 3] = (byte)(bytes[at + 3] == '9' ? '8' : bytes[at + 3] + 1);
        var changedPdf = Path.Combine(folder, "changed.pdf");
        await File.WriteAllBytesAsync(changedPdf, bytes, Ct);
        Assert.Equal(7, (await Verify(changedPdf)).ExitCode);

        // Case B's statement put into case A's letter: it no longer matches the statement printed on the page.
        var swapped = Encoding.Latin1.GetBytes(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(a.Pdf, Ct)).Replace(a.Qr, b.Qr));
        var swappedPdf = Path.Combine(folder, "swapped.pdf");
        await File.WriteAllBytesAsync(swappedPdf, swapped, Ct);
        var foreign = await Verify(swappedPdf);
        Assert.True(foreign.ExitCode == 7, foreign.ToString());
        Assert.Contains("berbeda", foreign.Output);

        // Case B's signature under case A's ID: the signature fails.
        Assert.Equal(7, (await Verify(b.Qr.Replace(b.CaseId, a.CaseId))).ExitCode);

        // A statement with case A's true facts signed by another key: refused offline and by the service.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = ReleaseStatement.Sign(a.CaseId, a.Record.ReleasedAt, a.Record.AuditHead!.Sequence, a.Record.AuditHead.Hash, otherKey).ToString();
        var forgedRun = await Verify(forged);
        Assert.True(forgedRun.ExitCode == 7, forgedRun.ToString());
        Assert.Contains("kunci lain", forgedRun.Output);
        var check = (await host.Client.GetAsync($"/release-letters/check?statement={Uri.EscapeDataString(forged)}", null, Ct)).EnsureSuccess().Json;
        Assert.False(check.GetProperty("valid").GetBoolean());
        Assert.Equal("not-checked", check.GetProperty("auditTrail").GetString());

        // Signed by the deployment's own key but naming an audit head the trail does not hold: the online check fails.
        using var releaseKey = ReleaseKey.FromPem(await File.ReadAllTextAsync(ReleaseKey.PathIn(host.DataDirectory), Ct));
        var wrongHead = releaseKey.Sign(a.CaseId, a.Record.ReleasedAt, a.Record.AuditHead.Sequence, b.Record.AuditHead!.Hash).ToString();
        var offline = await Verify(wrongHead, "--offline");
        Assert.True(offline.ExitCode == 0, offline.ToString());
        var online = await Verify(wrongHead);
        Assert.True(online.ExitCode == 7, online.ToString());
        Assert.Contains("Jejak audit: TIDAK COCOK", online.Output);

        // The public key is published.
        var published = (await host.Client.GetAsync(Pulang.Workflows.Http.CaseEndpoints.ReleaseKeyRoute, null, Ct)).EnsureSuccess().Json;
        Assert.Equal(releaseKey.KeyId, published.GetProperty("keyId").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/release-letters/verify", null, Ct)).Status);
    }
}

