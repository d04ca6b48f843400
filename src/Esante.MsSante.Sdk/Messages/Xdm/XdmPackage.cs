using System.Globalization;
using System.IO.Compression;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Esante.MsSante.Xdm;

/// <summary>
/// An IHE XDM archive (ITI TF-1 §16, ITI-32) for documents sent to a patient record by MSSanté (ECO.2.1.1): README.TXT and
/// INDEX.HTM at the root, <c>IHE_XDM/SUBSET01/METADATA.XML</c> (an ebRIM SubmitObjectsRequest: one submission set, one
/// document entry per document, the patient identified by their qualified INS, ECO.2.1.2) beside the documents.
/// Attach it with <see cref="OutgoingMessage.Xdm"/>: the message then gets <c>IHE_XDM.zip</c> and the
/// <c>X-MSS-CODECDA</c> and <c>X-MSS-INS</c> headers.
/// </summary>
public sealed class XdmPackage
{
    /// <summary>The attachment's file name.</summary>
    public const string FileName = "IHE_XDM.zip";

    /// <summary>The patient, by their qualified INS.</summary>
    public required QualifiedIns Patient { get; init; }

    /// <summary>The author of the documents.</summary>
    public required XdmAuthor Author { get; init; }

    /// <summary>The submission's source: the OID of the sending organisation or software.</summary>
    public required string SourceId { get; init; }

    /// <summary>The submission set's content type (contentTypeCode), e.g. the care context.</summary>
    public required XdmCode ContentTypeCode { get; init; }

    /// <summary>The documents: at least one, unless the package only deletes (<see cref="Deletions"/>).</summary>
    public IList<XdmDocument> Documents { get; } = new List<XdmDocument>();

    /// <summary>
    /// The documents sent earlier that this package deletes, by their entryUUID (<see cref="XdmDocument.EntryUuid"/>):
    /// each is written as an IHE metadata-update association that deprecates it.
    /// </summary>
    public IList<string> Deletions { get; } = new List<string>();

    /// <summary>
    /// The application that builds the archive, named with its version and its vendor's contact in README.TXT (ITI-32).
    /// When null, README.TXT names the product reference (<c>X-MSS-NIL</c>) and this SDK.
    /// </summary>
    public XdmSoftware? Software { get; init; }

    /// <summary>The submission set's folder in the archive (ISO 9660 level 1).</summary>
    internal const string SubsetFolder = "IHE_XDM/SUBSET01/";

    /// <summary>What starts the subject of a message carrying documents for the patient record (ECO.2.1.3).</summary>
    internal const string SubjectPrefix = "XDM/1.0/DDM+";

    /// <summary>
    /// The subject the national rule gives such a message (ECO.2.1.3): <c>XDM/1.0/DDM+&lt;label&gt; &lt;NOM&gt; &lt;prénom&gt; &lt;date of birth&gt;</c>.
    /// </summary>
    /// <param name="label">What the documents are, e.g. « Compte rendu d'hospitalisation ».</param>
    /// <param name="withBirthDate">Whether to add the birth date (optional in the rule).</param>
    public string Subject(string label, bool withBirthDate = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        var subject = $"{SubjectPrefix}{label.Trim()} {Patient.BirthName.ToUpperInvariant()} {Patient.FirstGivenName}";
        return withBirthDate ? subject + " " + Patient.BirthDate.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture) : subject;
    }

    /// <summary>What keeps the package from being written: empty when it is complete.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Documents.Count == 0 && Deletions.Count == 0)
        {
            problems.Add("An XDM archive holds at least one document, or deletes one.");
        }
        if (Deletions.Any(d => !XdmMetadata.IsEntryUuid(d)))
        {
            problems.Add("A deletion names the deleted document by its entryUUID (urn:uuid:…).");
        }
        problems.AddRange(Documents.SelectMany((d, i) => d.Problems(i + 1)));
        problems.AddRange(ContentTypeCode?.Problems("submission set's contentTypeCode") ?? ["The submission set's contentTypeCode is missing."]);
        if (string.IsNullOrWhiteSpace(SourceId) || !SourceId.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            problems.Add("The submission's source is an OID (digits and dots).");
        }
        if (Patient is null || !TextChecks.IsHl7Value(Patient.BirthName + Patient.FirstGivenName))
        {
            problems.Add("The patient's names hold an HL7 separator (^ & | ~ \\) or a control character.");
        }
        if (Author is null || string.IsNullOrWhiteSpace(Author.NationalId) || string.IsNullOrWhiteSpace(Author.FamilyName) || Author.HasHl7Separator())
        {
            problems.Add("The author needs a national identifier and a name, and no HL7 separator (^ & | ~ \\) in them, their institution or their specialty.");
        }
        if (Software is { } software && !TextChecks.IsOneLine($"{software.Name}{software.Version}{software.VendorContact}{Author?.Institution?.Contact}"))
        {
            problems.Add("The software's name, version and vendor contact, and the institution's contact, are each one line.");
        }
        return problems;
    }

    /// <summary>Writes the archive.</summary>
    /// <param name="now">The submission time.</param>
    /// <exception cref="InvalidOperationException">The package is incomplete (see <see cref="Problems"/>).</exception>
    public byte[] ToZip(DateTimeOffset now) => ToZip(now, productReference: null, recipients: []);

    /// <summary>The archive of a message as bytes (see <see cref="WriteZip"/>).</summary>
    internal byte[] ToZip(DateTimeOffset now, string? productReference, IReadOnlyList<string> recipients)
    {
        using var buffer = new MemoryStream();
        WriteZip(buffer, now, productReference, recipients);
        return buffer.ToArray();
    }

    /// <summary>
    /// Writes the archive of a message to <paramref name="destination"/>: README.TXT names its product reference,
    /// METADATA.XML its recipients. The documents are compressed straight into it, not copied first.
    /// </summary>
    internal void WriteZip(Stream destination, DateTimeOffset now, string? productReference, IReadOnlyList<string> recipients)
    {
        if (Problems() is [var first, ..])
        {
            throw new InvalidOperationException("The XDM package is incomplete: " + first);
        }
        var files = Documents.Select((d, i) => (Document: d, Uri: string.Create(CultureInfo.InvariantCulture, $"DOC{i + 1:D4}.{Extension(d.MimeType)}"))).ToList();
        using var zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
        Add(zip, "README.TXT", Encoding.UTF8.GetBytes(XdmFrontPages.Readme(this, productReference, now)));
        Add(zip, "INDEX.HTM", XdmFrontPages.Index(this, files));
        Add(zip, SubsetFolder + "METADATA.XML", Encoding.UTF8.GetBytes(XdmMetadata.Write(this, files, recipients, now).ToString(SaveOptions.DisableFormatting)));
        foreach (var (document, uri) in files)
        {
            Add(zip, SubsetFolder + uri, document.Content);
        }
    }

    /// <summary>A new unique identifier: the <c>2.25.</c> OID of a random UUID (ITU-T X.667).</summary>
    internal static string NewOid()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return "2.25." + new BigInteger(bytes, isUnsigned: true, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "The XDS hash slot is SHA-1 by definition (ITI TF-3 §4.2.3.2.12): integrity of the transfer, not a security control.")]
    internal static string Sha1(byte[] content) => Convert.ToHexString(SHA1.HashData(content)).ToLowerInvariant();

    private static string Extension(string mimeType) => mimeType.ToLowerInvariant() switch
    {
        "text/xml" or "application/xml" => "XML",
        "application/pdf" => "PDF",
        "text/plain" => "TXT",
        "image/jpeg" => "JPG",
        "image/tiff" => "TIF",
        _ => "BIN",
    };

    private static void Add(ZipArchive zip, string name, byte[] content)
    {
        using var entry = zip.CreateEntry(name, CompressionLevel.Optimal).Open();
        entry.Write(content);
    }
}
