using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Esante.MsSante.Xdm;

/// <summary>
/// Loads a received METADATA.XML tolerantly: it must be well-formed XML, but its namespaces are not checked, because
/// ANS's own example opens with <c>&lt;ns3:SubmitObjectsRequest&gt;</c> and never declares <c>ns3</c> nor the ebRIM
/// namespace. Every element is read by its local name and put in the ebRIM namespace, so a namespace-well-formed file and
/// ANS's read the same way.
/// </summary>
internal static class XdmMetadataReader
{
    public static XDocument Load(byte[] metadata)
    {
        try
        {
            var root = Tree(metadata);
            if (root?.Name.LocalName != "SubmitObjectsRequest")
            {
                throw new InvalidDataException("The archive's METADATA.XML is not an ebRIM SubmitObjectsRequest: its root is not one.");
            }
            return new XDocument(root);
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
    }

    /// <summary>An HL7 DTM (<c>yyyyMMdd[HHmm[ss]]</c>, UTC as XDS writes it) as a time; null when absent or unreadable.</summary>
    public static DateTimeOffset? Hl7Time(string? value)
    {
        string[] formats = ["yyyyMMddHHmmss", "yyyyMMddHHmm", "yyyyMMddHH", "yyyyMMdd"];
        return value is not null && DateTimeOffset.TryParseExact(value.Trim(), formats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time : null;
    }

    private static XElement? Tree(byte[] metadata)
    {
        using var stream = new MemoryStream(metadata);
        // Not namespace-aware (see the class), and no DTD: no entity is expanded, nothing is fetched.
        using var reader = new XmlTextReader(stream) { Namespaces = false, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
        XElement? root = null;
        XElement? current = null;
        while (reader.Read())
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    var element = new XElement(XdmMetadata.Rim + LocalName(reader.Name));
                    for (var more = reader.MoveToFirstAttribute(); more; more = reader.MoveToNextAttribute())
                    {
                        if (!reader.Name.StartsWith("xmlns", StringComparison.Ordinal))
                        {
                            element.SetAttributeValue(LocalName(reader.Name), reader.Value);
                        }
                    }
                    reader.MoveToElement();
                    if (current is null)
                    {
                        root ??= element;
                    }
                    else
                    {
                        current.Add(element);
                    }
                    if (!reader.IsEmptyElement)
                    {
                        current = element;
                    }
                    break;
                case XmlNodeType.EndElement:
                    current = current?.Parent;
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    current?.Add(new XText(reader.Value));
                    break;
            }
        }
        return root;
    }

    private static string LocalName(string name) => name[(name.LastIndexOf(':') + 1)..];
}
