using System.Net;

namespace Pulang.Cli;

/// <summary>A file as a request body that reports each chunk sent (for the progress bar). Re-readable for retries.</summary>
public sealed class ProgressContent : HttpContent
{
    readonly string path;
    readonly Action<long> sent;

    /// <summary>The body for <paramref name="path"/>; <paramref name="sent"/> gets the bytes of each chunk written.</summary>
    public ProgressContent(string path, string contentType, Action<long> sent)
    {
        this.path = path;
        this.sent = sent;
        Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
    }

    /// <inheritdoc/>
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var buffer = new byte[64 * 1024];
        int n;
        while ((n = await file.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
            sent(n);
        }
    }

    /// <inheritdoc/>
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

    /// <inheritdoc/>
    protected override bool TryComputeLength(out long length)
    {
        length = Uploads.LengthOf(path);
        return true;
    }
}
