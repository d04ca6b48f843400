using System.Globalization;
using System.Reflection;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Esante.MsSante.Xdm;

/// <summary>
/// README.TXT and INDEX.HTM, the two files at the root of an XDM medium (IHE ITI-32 §3.32.4.1.3): README.TXT names the
/// sending institution and how to reach it, the application that wrote the medium with its version, and its vendor's
/// contact; INDEX.HTM, in XHTML Basic, identifies the institution, links README.TXT and lists the documents.
/// Neither holds patient data: the patient is in METADATA.XML and the documents.
/// </summary>
internal static class XdmFrontPages
{
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private const string NotGiven = "not given";

    /// <summary>This SDK's name and version, e.g. <c>Esante.MsSante 1.0.0</c>.</summary>
    internal static string Sdk { get; } = "Esante.MsSante " +
        (typeof(XdmFrontPages).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
            ?? typeof(XdmFrontPages).Assembly.GetName().Version?.ToString() ?? "unknown");

    public static string Readme(XdmPackage package, string? productReference, DateTimeOffset now)
    {
        var institution = package.Author.Institution;
        var software = package.Software;
        var product = software is null
            ? $"an application built with {Sdk}"
            : $"{software.Name} version {software.Version} (built with {Sdk})";
        if (!string.IsNullOrWhiteSpace(productReference))
        {
            product += $", MSSanté product reference {productReference}";
        }
        return new StringBuilder()
            .Append("IHE XDM medium (IHE ITI Technical Framework, ITI-32 Distribute Document Set on Media), sent by MSSanté\r\n\r\n")
            .Append("Sending institution: ").Append(Institution(package)).Append("\r\n")
            .Append("Institution contact: ").Append(institution?.Contact ?? NotGiven).Append("\r\n")
            .Append("Author: ").Append(Person(package.Author)).Append("\r\n")
            .Append("Application: ").Append(product).Append("\r\n")
            .Append("Application vendor contact: ").Append(software?.VendorContact ?? NotGiven).Append("\r\n\r\n")
            .Append(CultureInfo.InvariantCulture, $"Created {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC.\r\n")
            .Append(CultureInfo.InvariantCulture, $"Documents: {package.Documents.Count}, in {XdmPackage.SubsetFolder}, described by {XdmPackage.SubsetFolder}METADATA.XML.\r\n")
            .Append("Open INDEX.HTM to list them.\r\n")
            .ToString();
    }

    public static byte[] Index(XdmPackage package, IEnumerable<(XdmDocument Document, string Uri)> files)
    {
        var institution = Institution(package);
        var page = new XDocument(
            new XDeclaration("1.0", "UTF-8", null),
            // XHTML Basic as ITI-32 names it: the W3C Recommendation of 19 December 2000, 1.0.
            new XDocumentType("html", "-//W3C//DTD XHTML Basic 1.0//EN", "http://www.w3.org/TR/xhtml-basic/xhtml-basic10.dtd", null),
            new XElement(Xhtml + "html", new XAttribute(XNamespace.Xml + "lang", "fr"),
                new XElement(Xhtml + "head",
                    new XElement(Xhtml + "meta", new XAttribute("http-equiv", "Content-Type"), new XAttribute("content", "text/html; charset=UTF-8")),
                    new XElement(Xhtml + "title", "Documents : " + institution)),
                new XElement(Xhtml + "body",
                    new XElement(Xhtml + "h1", "Documents : " + institution),
                    new XElement(Xhtml + "p", "Émetteur : " + institution + (package.Author.Institution?.Contact is { } contact ? " (" + contact + ")" : string.Empty)),
                    new XElement(Xhtml + "p", "Auteur : " + Person(package.Author)),
                    new XElement(Xhtml + "ul", files.Select(f =>
                        new XElement(Xhtml + "li", new XElement(Xhtml + "a", new XAttribute("href", XdmPackage.SubsetFolder + f.Uri), f.Document.Title)))),
                    new XElement(Xhtml + "p", new XElement(Xhtml + "a", new XAttribute("href", "README.TXT"), "README.TXT"),
                        " : l'émetteur, le logiciel et son éditeur."))));
        using var buffer = new MemoryStream();
        using (var writer = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, NewLineChars = "\r\n" }))
        {
            page.Save(writer);
        }
        return buffer.ToArray();
    }

    private static string Institution(XdmPackage package) =>
        package.Author.Institution is { } institution
            ? $"{institution.Name} (IDNST {institution.NationalId})"
            : Person(package.Author);

    private static string Person(XdmAuthor author) =>
        $"{author.GivenName} {author.FamilyName} (IDNPS {author.NationalId})".TrimStart();
}
