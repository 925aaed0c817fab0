namespace Pulang.Tests.Infrastructure;

/// <summary>
/// A request body of unknown length: <see cref="StreamContent"/> cannot compute its length (the stream does not
/// seek), so HttpClient sends it with <c>Transfer-Encoding: chunked</c> and no <c>Content-Length</c>.
/// </summary>
public sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
{
    /// <inheritdoc/>
    public override bool CanSeek => false;
}
