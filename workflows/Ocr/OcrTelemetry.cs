namespace Pulang.Workflows.Ocr;

/// <summary>The OCR layer's trace source (registered with the others by the telemetry setup).</summary>
public static class OcrTelemetry
{
    /// <summary>Name of <see cref="Source"/>.</summary>
    public const string SourceName = "Pulang.Ocr";

    /// <summary>Span tag carrying <see cref="OcrHint.Name"/>.</summary>
    public const string HintTag = "pulang.document_kind";

    /// <summary>Spans around each analysis (<c>ocr analyze</c>).</summary>
    public static readonly System.Diagnostics.ActivitySource Source = new(SourceName);
}
