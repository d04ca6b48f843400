using System.Runtime.CompilerServices;
using System.Collections.Frozen;
using System.Globalization;

namespace Esante.MsSante;

/// <summary>
/// The MSSanté trust space (« espace de confiance »): every subdomain of <c>mssante.fr</c>,
/// plus the domains of the national whitelist (<c>listeblanchemssante.xml</c>).
/// Immutable: a newer whitelist gives a new instance.
/// </summary>
public sealed class TrustedDomainList
{
    /// <summary>The parent domain of every MSSanté domain: <c>mssante.fr</c>.</summary>
    public const string MssanteParentDomain = "mssante.fr";

    private readonly FrozenSet<string> _whitelisted;

    /// <summary>The trust space with no whitelist: <c>*.mssante.fr</c> only.</summary>
    public static TrustedDomainList Default { get; } = new(Array.Empty<string>());

    /// <summary>Creates a trust space of <c>*.mssante.fr</c> plus the given whitelisted domains.</summary>
    /// <param name="whitelistedDomains">Domains outside <c>mssante.fr</c> that are part of the trust space; Unicode names are accepted.</param>
    /// <exception cref="ArgumentNullException"><paramref name="whitelistedDomains"/> is null.</exception>
    /// <exception cref="FormatException">A domain is not a valid host name.</exception>
    public TrustedDomainList(IEnumerable<string> whitelistedDomains)
    {
        ArgumentNullException.ThrowIfNull(whitelistedDomains);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var domain in whitelistedDomains)
        {
            var error = DomainName.TryNormalize(domain, out var normalized);
            if (error is not null)
            {
                throw new FormatException($"The whitelisted domain is not valid: {error}");
            }
            set.Add(normalized!);
        }
        _whitelisted = set.ToFrozenSet(StringComparer.Ordinal);
    }

    /// <summary>The whitelisted domains (ASCII, lower case), besides <c>*.mssante.fr</c>.</summary>
    public IReadOnlyCollection<string> WhitelistedDomains => _whitelisted;

    /// <summary>Whether <paramref name="domain"/> belongs to the trust space.</summary>
    /// <param name="domain">A domain name, in any case, ASCII or Unicode.</param>
    public bool Contains(string domain) => Contains(domain.AsSpan(), domain);

    /// <summary>Whether <paramref name="domain"/> belongs to the trust space; a string is made only for a name not in normal form or to look in the whitelist.</summary>
    internal bool Contains(ReadOnlySpan<char> domain) => Contains(domain, text: null);

    /// <summary>Whether the domain of an address (what follows its last '@') belongs to the trust space; false without a domain.</summary>
    /// <param name="address">An e-mail address, as a message's sender gives it.</param>
    internal bool ContainsDomainOf(string address)
    {
        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && Contains(address.AsSpan(at + 1), text: null);
    }

    /// <param name="domain">The domain.</param>
    /// <param name="text">The same domain as a string when the caller has one; made only if needed otherwise.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Contains(ReadOnlySpan<char> domain, string? text)
    {
        // Fast path for the usual lower-case ASCII name: IDNA maps it to itself, and *.mssante.fr needs no string.
        if (DomainName.IsLowerAsciiHostName(domain))
        {
            return IsMssanteDomain(domain) || (_whitelisted.Count > 0 && _whitelisted.Contains(text ?? domain.ToString()));
        }
        if (DomainName.TryNormalize(text ?? domain.ToString(), out var normalized) is not null)
        {
            return false;
        }
        return IsMssanteDomain(normalized!) || _whitelisted.Contains(normalized!);
    }

    /// <summary>Whether a normalised domain is a subdomain of <c>mssante.fr</c>.</summary>
    internal static bool IsMssanteDomain(ReadOnlySpan<char> normalizedDomain) =>
        normalizedDomain.EndsWith("." + MssanteParentDomain, StringComparison.Ordinal);
}

/// <summary>Host-name syntax shared by addresses and the trust space.</summary>
internal static class DomainName
{
    private static readonly IdnMapping Idn = new() { UseStd3AsciiRules = true };

    /// <summary>Whether a name is already in normal form: lower-case letters, digits, '-' and '.', two labels at least, none empty or hyphen-edged.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsLowerAsciiHostName(ReadOnlySpan<char> domain)
    {
        if (domain.IsEmpty || domain.Length > 253 || domain[0] is '.' or '-' || domain[^1] is '.' or '-' ||
            !domain.Contains('.') || domain.Contains("..", StringComparison.Ordinal) ||
            domain.Contains(".-", StringComparison.Ordinal) || domain.Contains("-.", StringComparison.Ordinal) || domain.StartsWith("xn--", StringComparison.Ordinal))
        {
            return false;
        }
        foreach (var c in domain)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Whether a name is lower-case ASCII in normal form with labels of at most 63 characters and no « -- » anywhere (so
    /// no A-label and no label the IDNA hyphen rules question): IDNA would return it unchanged, so it is not asked.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsPlainHostName(ReadOnlySpan<char> domain)
    {
        if (!IsLowerAsciiHostName(domain) || domain.Contains("--", StringComparison.Ordinal))
        {
            return false;
        }
        var label = 0;
        foreach (var c in domain)
        {
            label = c == '.' ? 0 : label + 1;
            if (label > 63)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Normalises to lower-case ASCII (IDNA); returns an error text, or null when valid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static string? TryNormalize(string? domain, out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrEmpty(domain))
        {
            return "the domain is empty";
        }
        if (IsPlainHostName(domain))
        {
            normalized = domain; // IDNA maps it to itself
            return null;
        }
        string ascii;
        try
        {
            ascii = Idn.GetAscii(domain).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return "the domain is not a valid host name";
        }
        if (ascii.Length > 253)
        {
            return "the domain is longer than 253 characters";
        }
        var labels = ascii.Split('.');
        if (labels.Length < 2)
        {
            return "the domain must have at least two labels (like example.mssante.fr)";
        }
        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63)
            {
                return "a domain label is empty or longer than 63 characters";
            }
            if (label[0] == '-' || label[^1] == '-')
            {
                return "a domain label starts or ends with '-'";
            }
            foreach (var c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-'))
                {
                    return "the domain contains a character other than letters, digits, '-' and '.'";
                }
            }
        }
        normalized = ascii;
        return null;
    }
}
