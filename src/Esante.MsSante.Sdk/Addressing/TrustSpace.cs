using System.Xml;

namespace Esante.MsSante;

/// <summary>
/// The current MSSanté trust space: <c>*.mssante.fr</c> plus the national whitelist (« liste blanche »,
/// <c>listeblanchemssante.xml</c>), which can be reloaded while the application runs. A whitelist that cannot be read is
/// refused and the previous list stays.
/// </summary>
public sealed class TrustSpace
{
    /// <summary>The XML namespace of the national whitelist.</summary>
    public const string WhitelistNamespace = "https://listeblanche.mssante.fr/schema";

    private volatile TrustedDomainList _current;

    /// <summary>Creates a trust space, starting from <paramref name="initial"/> (<c>*.mssante.fr</c> only when null).</summary>
    public TrustSpace(TrustedDomainList? initial = null) => _current = initial ?? TrustedDomainList.Default;

    /// <summary>The trust space now.</summary>
    public TrustedDomainList Current => _current;

    /// <summary>Reads a whitelist file (the domains at <c>//Domaine/Nom</c>) and makes it the current trust space.</summary>
    /// <param name="whitelistXml">The XML document.</param>
    /// <param name="cancellationToken">Cancels reading.</param>
    /// <returns>How many domains the whitelist holds.</returns>
    /// <exception cref="FormatException">The document is not XML, holds no domain, a domain is invalid, or it is longer than 16 Mi characters; the previous list stays.</exception>
    public async Task<int> LoadWhitelistAsync(Stream whitelistXml, CancellationToken cancellationToken = default)
    {
        var list = await ParseWhitelistAsync(whitelistXml, cancellationToken).ConfigureAwait(false);
        _current = list;
        return list.WhitelistedDomains.Count;
    }

    /// <summary>The most characters a whitelist document may hold: 16 Mi (the national list is a few hundred thousand).</summary>
    internal const long MaxWhitelistCharacters = 16L * 1024 * 1024;

    /// <summary>Reads a whitelist file without changing the current trust space.</summary>
    /// <exception cref="FormatException">The document is not XML, holds no domain, a domain is invalid, or it is longer than 16 Mi characters.</exception>
    public static async Task<TrustedDomainList> ParseWhitelistAsync(Stream whitelistXml, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(whitelistXml);
        // Bounded: the national whitelist is a few hundred kilobytes; a document without end is refused, not held.
        var settings = new XmlReaderSettings
        {
            Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, MaxCharactersInDocument = MaxWhitelistCharacters,
        };
        var domains = new List<string>();
        try
        {
            using var reader = XmlReader.Create(whitelistXml, settings);
            var inDomain = -1;
            var read = await reader.ReadAsync().ConfigureAwait(false);
            while (read)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "Domaine" && !reader.IsEmptyElement)
                {
                    inDomain = reader.Depth;
                }
                else if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "Domaine" && reader.Depth == inDomain)
                {
                    inDomain = -1;
                }
                else if (inDomain >= 0 && reader.NodeType == XmlNodeType.Element && reader.LocalName == "Nom" && reader.Depth == inDomain + 1)
                {
                    // Reading the content leaves the reader on the node after </Nom>, maybe the next <Nom>: not read past it.
                    domains.Add((await reader.ReadElementContentAsStringAsync().ConfigureAwait(false)).Trim());
                    read = !reader.EOF;
                    continue;
                }
                read = await reader.ReadAsync().ConfigureAwait(false);
            }
        }
        catch (XmlException e)
        {
            // The reader's message quotes the document: only where the error is.
            throw new FormatException($"The whitelist is not valid XML (line {e.LineNumber}, position {e.LinePosition}).", e);
        }
        catch (ArgumentException e)
        {
            // XmlReader lets some malformed declarations escape as ArgumentOutOfRangeException (and undecodable bytes as
            // DecoderFallbackException, an ArgumentException): the document, not the caller, is wrong.
            throw new FormatException("The whitelist is not valid XML: its declaration or its encoding cannot be read.", e);
        }
        if (domains.Count == 0)
        {
            throw new FormatException("The whitelist holds no domain (no Domaine/Nom element): it is not the MSSanté whitelist.");
        }
        return new TrustedDomainList(domains);
    }
}
