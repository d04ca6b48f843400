namespace Esante.MsSante;

/// <summary>
/// A file to attach to an outgoing message. The content is streamed when the message is sent, never copied whole,
/// so a 15 MB document is not held several times in memory.
/// </summary>
public sealed class OutgoingAttachment
{
    private readonly Func<Stream> _open;

    private OutgoingAttachment(string fileName, string contentType, long length, Func<Stream> open)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        FileName = fileName;
        ContentType = contentType;
        Length = length;
        _open = open;
    }

    /// <summary>The file name shown to the recipient.</summary>
    public string FileName { get; }

    /// <summary>The MIME type, e.g. <c>application/pdf</c>.</summary>
    public string ContentType { get; }

    /// <summary>The size of the content in bytes, before transfer encoding. The attachment limit counts this.</summary>
    public long Length { get; }

    /// <summary>An attachment from bytes already in memory (not copied).</summary>
    public static OutgoingAttachment FromBytes(string fileName, byte[] content, string contentType = "application/octet-stream")
    {
        ArgumentNullException.ThrowIfNull(content);
        return new OutgoingAttachment(fileName, contentType, content.LongLength, () => new MemoryStream(content, writable: false));
    }

    /// <summary>An attachment read from a file when the message is sent.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static OutgoingAttachment FromFile(string path, string contentType = "application/octet-stream", string? fileName = null)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException("The attachment's file does not exist.", path);
        }
        return new OutgoingAttachment(fileName ?? info.Name, contentType, info.Length, () => info.OpenRead());
    }

    /// <summary>An attachment from a seekable stream, read from its current position when the message is sent. The caller keeps ownership of the stream.</summary>
    /// <exception cref="ArgumentException">The stream cannot seek, so its length is unknown.</exception>
    public static OutgoingAttachment FromStream(string fileName, Stream content, string contentType = "application/octet-stream")
    {
        ArgumentNullException.ThrowIfNull(content);
        if (!content.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable so the attachment's size can be checked before sending.", nameof(content));
        }
        var start = content.Position;
        var end = content.Length;
        // A window on the caller's stream: MimeKit may seek and dispose it without touching the rest or closing the stream.
        return new OutgoingAttachment(fileName, contentType, end - start, () => new MimeKit.IO.BoundStream(content, start, end, leaveOpen: true));
    }

    /// <summary>Opens the content for reading; the caller disposes the stream.</summary>
    internal Stream OpenRead() => _open();
}
