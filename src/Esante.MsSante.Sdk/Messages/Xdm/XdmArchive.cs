using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml;
using System.Xml.Linq;

namespace Esante.MsSante.Xdm;

/// <summary>
/// An IHE XDM archive received (<c>IHE_XDM.zip</c>): its documents with what METADATA.XML says of them, each checked
/// against the size and SHA-1 the metadata gives.
/// </summary>
public sealed class XdmArchive
{
    private const string Subset = "IHE_XDM/SUBSET01/";

    /// <summary>
    /// The most bytes <see cref="Read(Stream)"/> decompresses (and so hashes) from one archive, its METADATA.XML included: 128 MiB.
    /// The attachment was at most a few tens of MB (the operators' limits), so more than this once decompressed is a zip
    /// bomb, not documents. The bytes counted are those actually decompressed, not the sizes the zip's headers claim.
    /// </summary>
    public const long MaxDecompressedBytes = 128L * 1024 * 1024;

    private const long MaxMetadataBytes = 4L * 1024 * 1024;
    private const int MaxDocuments = 1000;

    private XdmArchive(string? patientId, IReadOnlyList<XdmArchiveDocument> documents, long decompressedBytes)
    {
        PatientId = patientId;
        Documents = documents;
        DecompressedBytes = decompressedBytes;
    }

    /// <summary>The submission set's patient (HL7 CX, e.g. <c>279035121518989^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH</c>).</summary>
    public string? PatientId { get; }

    /// <summary>The documents, in the order of the metadata.</summary>
    public IReadOnlyList<XdmArchiveDocument> Documents { get; }

    /// <summary>The bytes decompressed and hashed to read the archive, its metadata included.</summary>
    internal long DecompressedBytes { get; }

    /// <summary>
    /// Reads an archive. Each file is decompressed and hashed once, however many metadata entries name it, and at most
    /// <see cref="MaxDecompressedBytes"/> are decompressed in all.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// It is not a zip, has no IHE_XDM/SUBSET01/METADATA.XML, the metadata is not XML, it describes more than 1,000
    /// documents, or it decompresses to more than <see cref="MaxDecompressedBytes"/>.
    /// </exception>
    public static XdmArchive Read(Stream zip) => Read(zip, MaxDecompressedBytes);

    /// <summary><see cref="Read(Stream)"/> with another bound on the bytes decompressed (tests use a small one).</summary>
    internal static XdmArchive Read(Stream zip, long maxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(zip);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var metadataEntry = archive.GetEntry(Subset + "METADATA.XML") ?? throw new InvalidDataException("The archive has no IHE_XDM/SUBSET01/METADATA.XML: it is not an IHE XDM archive.");
        XDocument metadata;
        var budget = maxDecompressedBytes;
        try
        {
            using var stream = new MemoryStream(ReadBounded(metadataEntry, MaxMetadataBytes, ref budget).Content);
            metadata = XDocument.Load(XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }));
        }
        catch (XmlException e)
        {
            throw new InvalidDataException("The archive's METADATA.XML is not well-formed XML.", e);
        }
        catch (ArgumentException e)
        {
            // XmlReader lets some malformed declarations escape as ArgumentOutOfRangeException, undecodable bytes as
            // DecoderFallbackException: the archive, not the caller, is wrong.
            throw new InvalidDataException("The archive's METADATA.XML is not well-formed XML: its declaration or its encoding cannot be read.", e);
        }
        var rim = XdmMetadata.Rim;
        var set = metadata.Descendants(rim + "RegistryPackage").FirstOrDefault();
        var documents = new List<XdmArchiveDocument>();
        var entries = metadata.Descendants(rim + "ExtrinsicObject").ToList();
        if (entries.Count > MaxDocuments)
        {
            throw new InvalidDataException($"The archive describes {entries.Count} documents: more than {MaxDocuments} is not a message's archive.");
        }
        // Several entries may name one file: it is read and hashed once.
        var read = new Dictionary<string, (byte[] Content, string Sha1)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var uri = XdmMetadata.SlotValue(entry, "URI");
            var file = uri is null || uri.Contains("..", StringComparison.Ordinal) ? null : archive.GetEntry(Subset + uri);
            (byte[] Content, string Sha1)? found = null;
            if (file is not null)
            {
                if (!read.TryGetValue(file.FullName, out var known))
                {
                    known = ReadBounded(file, budget, ref budget);
                    read[file.FullName] = known;
                }
                found = known;
            }
            var content = found?.Content;
            var expectedHash = XdmMetadata.SlotValue(entry, "hash");
            var expectedSize = XdmMetadata.SlotValue(entry, "size");
            documents.Add(new XdmArchiveDocument
            {
                Uri = uri,
                Content = content,
                MimeType = (string?)entry.Attribute("mimeType"),
                Title = XdmMetadata.NameOf(entry),
                TypeCode = XdmMetadata.CodeOf(entry, XdmMetadata.TypeCode),
                ClassCode = XdmMetadata.CodeOf(entry, XdmMetadata.ClassCode),
                UniqueId = XdmMetadata.ExternalOf(entry, XdmMetadata.DocumentUniqueId),
                PatientId = XdmMetadata.ExternalOf(entry, XdmMetadata.DocumentPatientId),
                IsIntact = content is not null &&
                    (expectedHash is null || string.Equals(expectedHash, found!.Value.Sha1, StringComparison.OrdinalIgnoreCase)) &&
                    (expectedSize is null || expectedSize == content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });
        }
        return new XdmArchive(set is null ? null : XdmMetadata.ExternalOf(set, XdmMetadata.SubmissionSetPatientId), documents, maxDecompressedBytes - budget);
    }

    /// <summary>
    /// Reads an entry whole and hashes it on the way, refusing it once it passes <paramref name="limit"/> or what is left of
    /// the archive's budget. The bytes counted are those the decompressor yields: the entry's header may lie.
    /// </summary>
    private static (byte[] Content, string Sha1) ReadBounded(ZipArchiveEntry entry, long limit, ref long budget)
    {
        var allowed = Math.Min(limit, budget);
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        var buffer = new byte[81920];
        int count;
        while ((count = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (copy.Length + count > allowed)
            {
                throw new InvalidDataException("The XDM archive decompresses to more than a message's documents can be: it is refused.");
            }
            copy.Write(buffer, 0, count);
            sha1.AppendData(buffer, 0, count);
        }
        budget -= copy.Length;
        return (copy.ToArray(), Convert.ToHexString(sha1.GetHashAndReset()).ToLowerInvariant());
    }
}

/// <summary>A document of a received XDM archive and its metadata.</summary>
public sealed record XdmArchiveDocument
{
    /// <summary>Its file name in IHE_XDM/SUBSET01/.</summary>
    public string? Uri { get; init; }

    /// <summary>Its bytes, or null when the archive lacks the file the metadata names.</summary>
    public byte[]? Content { get; init; }

    /// <summary>Its media type.</summary>
    public string? MimeType { get; init; }

    /// <summary>Its title.</summary>
    public string? Title { get; init; }

    /// <summary>Its type (typeCode).</summary>
    public XdmCode? TypeCode { get; init; }

    /// <summary>Its class (classCode).</summary>
    public XdmCode? ClassCode { get; init; }

    /// <summary>Its unique identifier.</summary>
    public string? UniqueId { get; init; }

    /// <summary>Its patient (HL7 CX).</summary>
    public string? PatientId { get; init; }

    /// <summary>Whether the file is there with the size and SHA-1 the metadata gives.</summary>
    public bool IsIntact { get; init; }
}
