using System.IO.Compression;
using System.Security.Cryptography;
using System.Xml.Linq;

namespace Esante.MsSante.Xdm;

/// <summary>
/// An IHE XDM archive received (<c>IHE_XDM.zip</c>): its documents with what METADATA.XML says of them, each checked
/// against the size and SHA-1 the metadata gives.
/// </summary>
public sealed class XdmArchive
{
    /// <summary>
    /// The most bytes <see cref="Read(Stream)"/> decompresses (and so hashes) from one archive, its METADATA.XML included: 128 MiB.
    /// The attachment was at most a few tens of MB (the operators' limits), so more than this once decompressed is a zip
    /// bomb, not documents. The bytes counted are those actually decompressed, not the sizes the zip's headers claim.
    /// </summary>
    public const long MaxDecompressedBytes = 128L * 1024 * 1024;

    private const long MaxMetadataBytes = 4L * 1024 * 1024;
    private const int MaxDocuments = 1000;

    private XdmArchive(XElement? set, XdmPatient? patient, IReadOnlyList<XdmArchiveDocument> documents, IReadOnlyList<string> deletions, string folder, long decompressedBytes)
    {
        PatientId = set is null ? null : XdmMetadata.ExternalOf(set, XdmMetadata.SubmissionSetPatientId);
        Author = set is null ? null : XdmMetadata.AuthorOf(set, XdmMetadata.SubmissionSetAuthor);
        IntendedRecipients = set is null ? [] : XdmMetadata.SlotValues(set, "intendedRecipient");
        Patient = patient;
        Documents = documents;
        Deletions = deletions;
        SubmissionSetFolder = folder;
        DecompressedBytes = decompressedBytes;
    }

    /// <summary>The submission set's patient (HL7 CX, e.g. <c>279035121518989^^^&amp;1.2.250.1.213.1.4.8&amp;ISO^NH</c>).</summary>
    public string? PatientId { get; }

    /// <summary>The patient's traits as the metadata gives them (sourcePatientInfo), or null when it gives none.</summary>
    /// <remarks>Health data: never log it.</remarks>
    public XdmPatient? Patient { get; }

    /// <summary>The submission set's author, with their institution and specialty when given.</summary>
    public XdmAuthor? Author { get; }

    /// <summary>The submission set's intended recipients (intendedRecipient, HL7 <c>XON|XCN|XTN</c>), as written.</summary>
    public IReadOnlyList<string> IntendedRecipients { get; }

    /// <summary>The documents, in the order of the metadata.</summary>
    public IReadOnlyList<XdmArchiveDocument> Documents { get; }

    /// <summary>The entryUUIDs of documents sent earlier that this archive deletes (deprecates).</summary>
    public IReadOnlyList<string> Deletions { get; }

    /// <summary>The submission set's folder, e.g. <c>IHE_XDM/SUBSET01/</c> (ANS writes <c>IHE_XDM/SS000001/</c>).</summary>
    public string SubmissionSetFolder { get; }

    /// <summary>The bytes decompressed and hashed to read the archive, its metadata included.</summary>
    internal long DecompressedBytes { get; }

    /// <summary>
    /// Reads an archive. Each file is decompressed and hashed once, however many metadata entries name it, and at most
    /// <see cref="MaxDecompressedBytes"/> are decompressed in all. The submission set is found whatever its folder's name,
    /// and a METADATA.XML that is well-formed but not namespace-well-formed (ANS's example uses a prefix it never declares)
    /// is still read.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// It is not a zip, has no IHE_XDM/&lt;folder&gt;/METADATA.XML, the metadata is not XML or not a SubmitObjectsRequest,
    /// it describes more than 1,000 documents, or it decompresses to more than <see cref="MaxDecompressedBytes"/>.
    /// </exception>
    public static XdmArchive Read(Stream zip) => Read(zip, MaxDecompressedBytes);

    /// <summary><see cref="Read(Stream)"/> with another bound on the bytes decompressed (tests use a small one).</summary>
    internal static XdmArchive Read(Stream zip, long maxDecompressedBytes)
    {
        ArgumentNullException.ThrowIfNull(zip);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var metadataEntry = FindMetadata(archive) ?? throw new InvalidDataException("The archive has no IHE_XDM/<submission set>/METADATA.XML: it is not an IHE XDM archive.");
        var folder = metadataEntry.FullName[..^"METADATA.XML".Length];
        var budget = maxDecompressedBytes;
        var metadata = XdmMetadataReader.Load(ReadBounded(metadataEntry, MaxMetadataBytes, ref budget).Content);
        var rim = XdmMetadata.Rim;
        var set = metadata.Descendants(rim + "RegistryPackage").FirstOrDefault();
        var associations = metadata.Descendants(rim + "Association").ToList();
        var documents = new List<XdmArchiveDocument>();
        var entries = metadata.Descendants(rim + "ExtrinsicObject").ToList();
        if (entries.Count > MaxDocuments)
        {
            throw new InvalidDataException($"The archive describes {entries.Count} documents: more than {MaxDocuments} is not a message's archive.");
        }
        var files = archive.Entries.GroupBy(e => e.FullName, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);
        // Several entries may name one file: it is read and hashed once.
        var read = new Dictionary<string, (byte[] Content, string Sha1)>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var uri = XdmMetadata.SlotValue(entry, "URI");
            var file = FindDocument(files, folder, uri);
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
            var id = (string?)entry.Attribute("id");
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
                EntryUuid = id,
                Replaces = associations.FirstOrDefault(a => (string?)a.Attribute("associationType") == XdmMetadata.Replacement && id is not null &&
                    (string?)a.Attribute("sourceObject") == id) is { } replacement ? (string?)replacement.Attribute("targetObject") : null,
                Author = XdmMetadata.AuthorOf(entry, XdmMetadata.DocumentAuthor),
                LegalAuthenticator = XdmAuthor.FromXcn(XdmMetadata.SlotValue(entry, "legalAuthenticator")),
                ServiceStartTime = XdmMetadataReader.Hl7Time(XdmMetadata.SlotValue(entry, "serviceStartTime")),
                ServiceStopTime = XdmMetadataReader.Hl7Time(XdmMetadata.SlotValue(entry, "serviceStopTime")),
                IsIntact = content is not null &&
                    (expectedHash is null || string.Equals(expectedHash, found!.Value.Sha1, StringComparison.OrdinalIgnoreCase)) &&
                    (expectedSize is null || expectedSize == content.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            });
        }
        var deletions = associations
            .Where(a => (string?)a.Attribute("associationType") == XdmMetadata.StatusUpdate && XdmMetadata.SlotValue(a, "NewStatus") == XdmMetadata.Deprecated)
            .Select(a => (string?)a.Attribute("targetObject")).OfType<string>().ToList();
        var patient = entries.Select(e => XdmPatient.FromSourcePatientInfo(XdmMetadata.SlotValues(e, "sourcePatientInfo"))).FirstOrDefault(p => p is not null);
        return new XdmArchive(set, patient, documents, deletions, folder, maxDecompressedBytes - budget);
    }

    /// <summary>
    /// The submission set's METADATA.XML: <c>IHE_XDM/&lt;folder&gt;/METADATA.XML</c>, whatever the folder's name (ITI-32
    /// leaves it free: IHE's examples use SUBSET01, ANS's SS000001), the first in the archive when there are several.
    /// </summary>
    private static ZipArchiveEntry? FindMetadata(ZipArchive archive) =>
        archive.Entries.FirstOrDefault(e => e.FullName.Split('/') is [var root, { Length: > 0 } folder, var name] &&
            root.Equals("IHE_XDM", StringComparison.OrdinalIgnoreCase) && name.Equals("METADATA.XML", StringComparison.OrdinalIgnoreCase) &&
            folder != "..");

    /// <summary>
    /// The file a URI names: relative to the submission set's folder (ITI-32; it may start with <c>../</c>), or to IHE_XDM/
    /// when it starts with the folder, as ANS's example does (<c>SS000001/KOS_1_1.DCM</c>). Nothing above the archive's root.
    /// </summary>
    private static ZipArchiveEntry? FindDocument(Dictionary<string, ZipArchiveEntry> files, string folder, string? uri)
    {
        if (string.IsNullOrEmpty(uri) || uri.StartsWith('/') || uri.Contains('\\', StringComparison.Ordinal))
        {
            return null;
        }
        foreach (var path in new[] { folder + uri, "IHE_XDM/" + uri })
        {
            if (Normalised(path) is { } name && files.TryGetValue(name, out var file))
            {
                return file;
            }
        }
        return null;
    }

    /// <summary>The path with its <c>.</c> and <c>..</c> segments resolved; null when it climbs above the archive's root.</summary>
    private static string? Normalised(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    return null;
                }
                segments.RemoveAt(segments.Count - 1);
            }
            else if (segment is not ("." or ""))
            {
                segments.Add(segment);
            }
        }
        return string.Join('/', segments);
    }

    /// <summary>
    /// Reads an entry whole and hashes it on the way, refusing it once it passes <paramref name="limit"/> or what is left of
    /// the archive's budget. The bytes counted are those the decompressor yields: the entry's header may lie.
    /// </summary>
    private static (byte[] Content, string Sha1) ReadBounded(ZipArchiveEntry entry, long limit, ref long budget)
    {
        var allowed = Math.Min(limit, budget);
        using var stream = entry.Open();
        // Sized by the entry's header, so a truthful one costs one array and no copy; a lying one only grows the stream.
        using var copy = new MemoryStream((int)Math.Clamp(entry.Length, 0, Math.Min(allowed, Array.MaxLength)));
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
        return (copy.Length == copy.Capacity ? copy.GetBuffer() : copy.ToArray(), Convert.ToHexString(sha1.GetHashAndReset()).ToLowerInvariant());
    }
}

/// <summary>A document of a received XDM archive and its metadata.</summary>
public sealed record XdmArchiveDocument
{
    /// <summary>Its file name, as the metadata gives it (relative to the submission set's folder).</summary>
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

    /// <summary>Its identifier in the metadata (entryUUID): what a later replacement or deletion names.</summary>
    public string? EntryUuid { get; init; }

    /// <summary>For a replacement (« annule et remplace »): the entryUUID of the document it replaces (RPLC association).</summary>
    public string? Replaces { get; init; }

    /// <summary>Its author, with their institution and specialty when given.</summary>
    public XdmAuthor? Author { get; init; }

    /// <summary>Who signed it (legalAuthenticator), when given.</summary>
    public XdmAuthor? LegalAuthenticator { get; init; }

    /// <summary>When the care it reports began (serviceStartTime), when given.</summary>
    public DateTimeOffset? ServiceStartTime { get; init; }

    /// <summary>When the care it reports ended (serviceStopTime), when given.</summary>
    public DateTimeOffset? ServiceStopTime { get; init; }
}
