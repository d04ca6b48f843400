using MimeKit;

namespace Esante.MsSante;

/// <summary>An attachment of a received message: a file, or an attached message (<c>message/rfc822</c>) as its bytes.</summary>
public sealed class ReceivedAttachment
{
    private readonly MimeEntity _part;

    internal ReceivedAttachment(MimeEntity part)
    {
        _part = part;
        GivenFileName = part.ContentDisposition?.FileName ?? part.ContentType.Name;
        ContentType = part.ContentType.MimeType;
    }

    /// <summary>The file name, or "attachment" when the sender gave none.</summary>
    public string FileName => GivenFileName ?? "attachment";

    /// <summary>The file name the sender gave, if any.</summary>
    internal string? GivenFileName { get; }

    /// <summary>The MIME type.</summary>
    public string ContentType { get; }

    /// <summary>Writes the decoded content to <paramref name="destination"/>.</summary>
    public Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return _part switch
        {
            MimePart { Content: { } content } => content.DecodeToAsync(destination, cancellationToken),
            MessagePart { Message: { } message } => message.WriteToAsync(destination, cancellationToken),
            _ => Task.CompletedTask,
        };
    }

    /// <summary>The decoded content as bytes.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        // Decoded into memory blocks, then copied once into the array: no doubling buffer on the way.
        using var buffer = new MimeKit.IO.MemoryBlockStream();
        await CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
