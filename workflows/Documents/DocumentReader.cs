using Pulang.Workflows.Domain;
using Pulang.Workflows.Ocr;

namespace Pulang.Workflows.Documents;

// Placeholder until the documents branch lands.
public static class DocumentReader
{
    public static DocumentReading Read(DocumentKind kind, AnalyzeResult result, Subject subject) =>
        new(kind, new Dictionary<string, string>(), []);
}
