using MimeKit;

namespace Esante.MsSante.Messages;

/// <summary>An attachment of a received message.</summary>
public sealed class ReceivedAttachment
{
    private readonly MimePart _part;

    internal ReceivedAttachment(MimePart part)
    {
        _part = part;
        FileName = part.FileName ?? "attachment";
        ContentType = part.ContentType.MimeType;
    }

    /// <summary>The file name, or "attachment" when the sender gave none.</summary>
    public string FileName { get; }

    /// <summary>The MIME type.</summary>
    public string ContentType { get; }

    /// <summary>Writes the decoded content to <paramref name="destination"/>.</summary>
    public Task CopyToAsync(Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return _part.Content is null ? Task.CompletedTask : _part.Content.DecodeToAsync(destination, cancellationToken);
    }

    /// <summary>The decoded content as bytes.</summary>
    public async Task<byte[]> ReadAllBytesAsync(CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
