using System.Net;
using System.Net.Http.Headers;
using Pulang.Tests.Infrastructure;

namespace Pulang.Tests.EndToEnd;

/// <summary>Scans larger than the web server's own default body limit (30 MB) up to MaxUploadBytes are accepted.</summary>
public sealed class LargeUploadTests(TestStorage storage)
{
    static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_40_MB_scan_under_the_default_50_MiB_limit_is_accepted()
    {
        await using var host = new SelfHostProcess(storage.ConnectionString, TestStorage.NewTaskHub("large"), new Dictionary<string, string> { ["Pulang__Ocr__Engine"] = "embedded-text" });
        await host.StartAsync();
        var caseId = (await host.Client.JsonAsync(HttpMethod.Post, "/api/cases", host.Tokens.MintDemo("embassy-kl-manifest"), EndToEndTests.Intake($"LARGE-{Guid.NewGuid():N}"), ct: Ct)).EnsureSuccess().Json.GetProperty("caseId").GetString()!;
        var bytes = NoisePng(4096, 3300);
        Assert.True(bytes.Length > 40_000_000);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        var response = await host.Client.SendAsync(HttpMethod.Put, $"/api/cases/{caseId}/documents/other", host.Tokens.MintDemo("sentra-intake-officer"), content, ct: Ct);
        Assert.True(response.Status == HttpStatusCode.Accepted, response.Body);
        Assert.Equal(bytes.Length, response.Json.GetProperty("length").GetInt64());
    }

    /// <summary>
    /// A valid PNG (8-bit RGB, random pixels) stored without compression, so its size is about width x height x 3
    /// bytes: large, yet whole and decodable, as upload inspection demands.
    /// </summary>
    static byte[] NoisePng(int width, int height)
    {
        var raw = new MemoryStream();
        using (var zlib = new System.IO.Compression.ZLibStream(raw, System.IO.Compression.CompressionLevel.NoCompression, leaveOpen: true))
        {
            var row = new byte[1 + width * 3];
            var random = new Random(1);
            for (var y = 0; y < height; y++)
            {
                random.NextBytes(row);
                row[0] = 0; // filter: none
                zlib.Write(row);
            }
        }

        var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        void Chunk(string type, byte[] data)
        {
            var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
            png.Write(BitConverter.IsLittleEndian ? BitConverter.GetBytes(data.Length).Reverse().ToArray() : BitConverter.GetBytes(data.Length));
            png.Write(typeBytes);
            png.Write(data);
            var crc = System.IO.Hashing.Crc32.HashToUInt32([.. typeBytes, .. data]);
            png.Write([(byte)(crc >> 24), (byte)(crc >> 16), (byte)(crc >> 8), (byte)crc]);
        }

        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        Chunk("IHDR", header);
        Chunk("IDAT", raw.ToArray());
        Chunk("IEND", []);
        return png.ToArray();
    }
}
