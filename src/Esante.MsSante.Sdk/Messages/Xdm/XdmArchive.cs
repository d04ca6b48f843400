using System.IO.Compression;
using System.Xml;
using System.Xml.Linq;

namespace Esante.MsSante.Messages.Xdm;

/// <summary>
/// An IHE XDM archive received (<c>IHE_XDM.zip</c>): its documents with what METADATA.XML says of them, each checked
/// against the size and SHA-1 the metadata gives.
/// </summary>
public sealed class XdmArchive
{
    private const string Subset = "IHE_XDM/SUBSET01/";

    // Bounds on what a received archive may make us hold: its attachment was at most a few tens of MB (the operators' limits),
    // so more than this once decompressed is a zip bomb, not documents.
    private const long MaxMetadataBytes = 4L * 1024 * 1024;
    private const long MaxTotalBytes = 128L * 1024 * 1024;
    private const int MaxDocuments = 1000;

    private XdmArchive(string? patientId, IReadOnlyList<XdmArchiveDocument> documents)
    {
        PatientId = patientId;
        Documents = documents;
    }

    /// <summary>The submission set's patient (HL7 CX, e.g. <c>279035121518989^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH</c>).</summary>
    public string? PatientId { get; }

    /// <summary>The documents, in the order of the metadata.</summary>
    public IReadOnlyList<XdmArchiveDocument> Documents { get; }

    /// <summary>Reads an archive.</summary>
    /// <exception cref="InvalidDataException">It is not a zip, has no IHE_XDM/SUBSET01/METADATA.XML, or the metadata is not XML.</exception>
    public static XdmArchive Read(Stream zip)
    {
        ArgumentNullException.ThrowIfNull(zip);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var metadataEntry = archive.GetEntry(Subset + "METADATA.XML") ?? throw new InvalidDataException("The archive has no IHE_XDM/SUBSET01/METADATA.XML: it is not an IHE XDM archive.");
        XDocument metadata;
        var budget = MaxTotalBytes;
        try
        {
            using var stream = new MemoryStream(ReadBounded(metadataEntry, MaxMetadataBytes, ref budget));
            metadata = XDocument.Load(XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }));
        }
        catch (XmlException e)
        {
            throw new InvalidDataException("The archive's METADATA.XML is not well-formed XML.", e);
        }
        var rim = XdmMetadata.Rim;
        var set = metadata.Descendants(rim + "RegistryPackage").FirstOrDefault();
        var documents = new List<XdmArchiveDocument>();
        var entries = metadata.Descendants(rim + "ExtrinsicObject").ToList();
        if (entries.Count > MaxDocuments)
        {
            throw new InvalidDataException($"The archive describes {entries.Count} documents: more than {MaxDocuments} is not a message's archive.");
        }
        var read = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var uri = XdmMetadata.SlotValue(entry, "URI");
            var file = uri is null || uri.Contains("..", StringComparison.Ordinal) ? null : archive.GetEntry(Subset + uri);
            byte[]? content = null;
            if (file is not null && !read.TryGetValue(file.FullName, out content))
            {
                content = ReadBounded(file, budget, ref budget);
                read[file.FullName] = content;
            }
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
                    (expectedHash is null || string.Equals(expectedHash, XdmPackage.Sha1(content), StringComparison.OrdinalIgnoreCase)) &&
                    (expectedSize is null || expectedSize == content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });
        }
        return new XdmArchive(set is null ? null : XdmMetadata.ExternalOf(set, XdmMetadata.SubmissionSetPatientId), documents);
    }

    /// <summary>Reads an entry whole, refusing it once it passes <paramref name="limit"/> or what is left of the archive's budget.</summary>
    private static byte[] ReadBounded(ZipArchiveEntry entry, long limit, ref long budget)
    {
        var allowed = Math.Min(limit, budget);
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        var buffer = new byte[81920];
        int count;
        while ((count = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (copy.Length + count > allowed)
            {
                throw new InvalidDataException("The XDM archive decompresses to more than a message's documents can be: it is refused.");
            }
            copy.Write(buffer, 0, count);
        }
        budget -= copy.Length;
        return copy.ToArray();
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
