using System.Net;
using System.Net.Http.Headers;
using Pulang.Workflows.Activities;
using Pulang.Tests.Infrastructure;
using Pulang.Tests.Resilience;
using Pulang.Workflows.Domain;

namespace Pulang.Tests.Ocr;

/// <summary>
/// A person never waits behind OCR, on the real self-host process with real Tesseract: the scans of a batch are read from their
/// own queue, outside the Durable Task engine's activity slots, so a person's command is decided while scans are still waiting
/// to be read; and every scan that waited is read into its case exactly once when OCR goes on.
/// </summary>
public sealed class ScanReadingQueueTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Tesseract behind a gate: a script that marks each call in <c>started-*</c> files, waits while the <c>open</c> file is
    /// missing, then runs the real <c>tesseract</c> with the same arguments. Closing the gate holds every reading in OCR, however
    /// fast the machine is: no timing in the assertions.
    /// </summary>
    sealed class GatedTesseract : IDisposable
    {
        public GatedTesseract()
        {
            Directory.CreateDirectory(Folder);
            File.WriteAllText(Script, $"""
                #!/bin/sh
                touch "{Folder}/started-$$"
                while [ ! -e "{Folder}/open" ]; do sleep 0.1; done
                exec tesseract "$@"

                """);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Open();
        }

        public string Folder { get; } = Path.Combine(Path.GetTempPath(), $"pulang-ocr-gate-{Guid.NewGuid():N}");

        public string Script => Path.Combine(Folder, "tesseract");

        public int Started => Directory.GetFiles(Folder, "started-*").Length;

        public void Open() => File.WriteAllText(Path.Combine(Folder, "open"), "");

        public void Close()
        {
            File.Delete(Path.Combine(Folder, "open"));
            foreach (var f in Directory.GetFiles(Folder, "started-*")) File.Delete(f);
        }

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task A_persons_command_is_decided_while_scans_wait_for_OCR_and_every_waiting_scan_is_read_once_after()
    {
        using var gate = new GatedTesseract();
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("ocrq"), new Dictionary<string, string>
        {
            ["Pulang__Ocr__Engine"] = "tesseract",
            ["Pulang__Ocr__Tesseract__TesseractPath"] = gate.Script,
            ["Pulang__MaxConcurrentOcrJobs"] = "2",
            ["OMP_THREAD_LIMIT"] = "1",
        });
        await host.StartAsync();
        var driver = new CaseDriver(() => host.Client, host.Tokens);

        // A case read and ready for its asesmen while OCR still runs freely.
        var (ready, _) = await driver.DriveAsync($"OCRQ-READY-{Guid.NewGuid():N}", Ct, s => s.Stage == Stage.AssessmentPending && s.Assessment is null);

        // Then OCR stops, with 12 scans of 4 other cases waiting: more than the engine's 8 activity slots (Pulang:Engine:MaxConcurrentActivities).
        gate.Close();
        var waiting = new List<(string CaseId, string DocumentId)>();
        var uploader = host.Tokens.MintDemo("sentra-intake-officer");
        for (var c = 0; c < 4; c++)
        {
            var caseId = await driver.IntakeAsync($"OCRQ-BATCH-{c}-{Guid.NewGuid():N}", Ct);
            var k = 0;
            foreach (var kind in CaseDriver.RequiredKinds)
            {
                var content = new ByteArrayContent(CaseDriver.BlankPng(240 + (10 * c) + k++, 160));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
                var upload = await host.Client.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/{kind}", uploader, content, ct: Ct);
                Assert.Equal(HttpStatusCode.Accepted, upload.Status);
                waiting.Add((caseId, upload.Json.GetProperty("documentId").GetString()!));
            }
        }

        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (gate.Started < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "OCR never started on the waiting scans.");
            await Task.Delay(200, Ct);
        }

        // The person's command is decided (200, not 202 pending) while every one of those scans still waits for OCR.
        var assessed = await host.Client.JsonAsync(HttpMethod.Post, $"/api/cases/{ready}/assessment", host.Tokens.MintDemo("sentra-social-worker"),
            new { summary = "Sehat, siap pulang.", recommendation = "Pulang ke keluarga." }, $"assess-{Guid.NewGuid():N}", Ct);
        Assert.Equal(HttpStatusCode.OK, assessed.Status);
        Assert.Equal(AssessmentStatus.Submitted, assessed.Case.Assessment?.Status);
        var reader = host.Tokens.MintDemo("bp3mi-reader");
        foreach (var (caseId, documentId) in waiting)
        {
            var state = (await host.Client.GetAsync($"/api/cases/{caseId}", reader, Ct)).EnsureSuccess().Case;
            Assert.DoesNotContain(state.History, h => h.CommandId == $"scanned:{documentId}");
        }

        // OCR goes on: every waiting scan is read into its case, once.
        gate.Open();
        foreach (var group in waiting.GroupBy(w => w.CaseId))
        {
            var state = await host.Client.WaitForAsync(group.Key, reader,
                s => group.All(w => s.History.Any(h => h.CommandId == $"scanned:{w.DocumentId}")), TimeSpan.FromMinutes(5), Ct);
            foreach (var (_, documentId) in group)
            {
                Assert.Single(state.History, h => h.CommandId == $"scanned:{documentId}");
            }

            Assert.Equal(CaseDriver.RequiredKinds.Count, state.Documents.Count);
        }
    }
}
