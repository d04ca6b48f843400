using System.Runtime.CompilerServices;
using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace Esante.MsSante;

/// <summary>
/// An e-mail address in the MSSanté trust space (« adresse MSSanté »): a single RFC 5322 mailbox
/// (<c>local@domain</c>, no display name) whose domain is a subdomain of <c>mssante.fr</c> or a whitelisted domain.
/// Addresses on <c>patient.mssante.fr</c> must carry a valid INS matricule as local part.
/// Always valid once constructed.
/// </summary>
/// <remarks>
/// The domain is stored in lower case and the local part as given; both compare case-insensitively,
/// as MSSanté operators treat them.
/// Parse errors say what is wrong without echoing the local part, which may identify a patient.
/// </remarks>
public sealed class MssanteAddress : IEquatable<MssanteAddress>
{
    /// <summary>The domain of patients' addresses in Mon Espace Santé: <c>patient.mssante.fr</c>.</summary>
    public const string PatientDomain = "patient.mssante.fr";

    private const int MaxLocalPartLength = 64;
    private const int MaxAddressLength = 254;
    private const string AtextSymbols = "!#$%&'*+-/=?^_`{|}~";

    /// <summary>The characters of a dot-atom local part (RFC 5322 atext and '.').</summary>
    private static readonly SearchValues<char> LocalPartChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789." + AtextSymbols);

    private MssanteAddress(string localPart, string domain, string value)
    {
        LocalPart = localPart;
        Domain = domain;
        Value = value;
    }

    /// <summary>The part before <c>@</c>.</summary>
    public string LocalPart { get; }

    /// <summary>The domain, in lower-case ASCII.</summary>
    public string Domain { get; }

    /// <summary>The address, <c>local@domain</c>.</summary>
    public string Value { get; }

    /// <summary>Whether this is a patient's address (<c>…@patient.mssante.fr</c>, « messagerie citoyenne »).</summary>
    public bool IsPatient => Domain == PatientDomain;

    /// <summary>Parses an address in the default trust space (<c>*.mssante.fr</c>).</summary>
    /// <exception cref="FormatException">The text is not a single valid MSSanté address; the message says why.</exception>
    public static MssanteAddress Parse(string s) => Parse(s, TrustedDomainList.Default);


    /// <summary>Parses an address in the given trust space.</summary>
    /// <exception cref="FormatException">The text is not a single valid MSSanté address; the message says why.</exception>
    public static MssanteAddress Parse(string s, TrustedDomainList trustedDomains)
    {
        if (!TryParse(s, trustedDomains, out var address, out var error))
        {
            throw new FormatException(error);
        }
        return address;
    }

    /// <summary>Tries to parse an address in the default trust space.</summary>
    public static bool TryParse([NotNullWhen(true)] string? s, [NotNullWhen(true)] out MssanteAddress? result) =>
        TryParse(s, TrustedDomainList.Default, out result, out _);


    /// <summary>Tries to parse an address in the given trust space, and says why when it cannot.</summary>
    /// <param name="s">The text: a bare address, without display name or angle brackets.</param>
    /// <param name="trustedDomains">The trust space the domain must belong to.</param>
    /// <param name="result">The address, when valid.</param>
    /// <param name="error">Why the text is not a valid MSSanté address, when it is not.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParse(
        [NotNullWhen(true)] string? s,
        TrustedDomainList trustedDomains,
        [NotNullWhen(true)] out MssanteAddress? result,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(trustedDomains);
        result = null;
        error = CheckSyntax(s, out var localPart, out var domain);
        if (error is not null)
        {
            return false;
        }
        if (!trustedDomains.Contains(domain!))
        {
            error = $"The domain '{domain}' is outside the MSSanté trust space: an MSSanté address ends with '.{TrustedDomainList.MssanteParentDomain}' or uses a whitelisted domain.";
            return false;
        }
        if (domain == PatientDomain && !InsMatricule.TryParse(localPart, out _, out var insError))
        {
            error = $"A patient address must be '<INS matricule>@{PatientDomain}': {insError}";
            return false;
        }
        // The text is kept as the value when it is already in normal form (the usual case), rather than built again.
        var value = s!.AsSpan(localPart!.Length + 1).SequenceEqual(domain) ? s! : localPart + "@" + domain;
        result = new MssanteAddress(localPart, domain!, value);
        return true;
    }

    /// <summary>Checks RFC 5322 addr-spec syntax (dot-atom local part, host-name domain). Returns an error text or null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static string? CheckSyntax(string? s, out string? localPart, out string? domain)
    {
        localPart = null;
        domain = null;
        if (string.IsNullOrWhiteSpace(s))
        {
            return "The address is empty.";
        }
        if (CheckAllButDomain(s, out var at) is { } error)
        {
            return error;
        }
        var domainError = DomainName.TryNormalize(s[(at + 1)..], out domain);
        if (domainError is not null)
        {
            return "The part after '@' is not valid: " + domainError + ".";
        }
        localPart = s[..at];
        return null;
    }

    /// <summary>
    /// Whether <paramref name="s"/> is an address <see cref="TryParse(string?, TrustedDomainList, out MssanteAddress?, out string?)"/>
    /// accepts as it is (its domain already lower-case ASCII), in the trust space and not a patient's: the usual case,
    /// checked without allocating. False says only to ask TryParse, which says why or normalises the domain.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool IsProfessionalInNormalForm(ReadOnlySpan<char> s, TrustedDomainList trustedDomains)
    {
        if (s.IsWhiteSpace() || CheckAllButDomain(s, out var at) is not null)
        {
            return false;
        }
        var domain = s[(at + 1)..];
        return DomainName.IsPlainHostName(domain) && !domain.SequenceEqual(PatientDomain) && trustedDomains.Contains(domain);
    }

    /// <summary>The syntax checks but the domain's: control characters, length, brackets, one '@' and the local part. Returns an error text or null, and where the '@' is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? CheckAllButDomain(ReadOnlySpan<char> s, out int at)
    {
        at = -1;
        var control = s.IndexOfAnyInRange('\u0000', '\u001f');
        if (control < 0)
        {
            control = s.IndexOfAnyInRange('\u007f', '\u009f');
        }
        else if (s[..control].IndexOfAnyInRange('\u007f', '\u009f') is >= 0 and var earlier)
        {
            control = earlier;
        }
        if (control >= 0)
        {
            return s[control] is '\r' or '\n'
                ? $"The address contains a line break at position {control + 1}; line breaks are never allowed in an address."
                : $"The address contains a control character at position {control + 1}.";
        }
        if (s.Length > MaxAddressLength)
        {
            return $"The address is longer than {MaxAddressLength} characters.";
        }
        if (s.IndexOfAny('<', '>') >= 0)
        {
            return "The address must be a bare mailbox such as prenom.nom@hopital.mssante.fr, without a display name or angle brackets.";
        }
        at = s.IndexOf('@');
        if (at < 0 || at != s.LastIndexOf('@'))
        {
            return "The address must contain exactly one '@' (a single mailbox such as prenom.nom@hopital.mssante.fr, without a display name).";
        }
        var local = s[..at];
        if (local.Length == 0)
        {
            return "The address has nothing before '@'.";
        }
        if (local.Length > MaxLocalPartLength)
        {
            return $"The part before '@' is longer than {MaxLocalPartLength} characters.";
        }
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return "The part before '@' starts or ends with '.', or has two '.' in a row.";
        }
        if (local.IndexOfAnyExcept(LocalPartChars) is >= 0 and var bad)
        {
            return $"The part before '@' contains a character not allowed in an address at position {bad + 1} (spaces, quotes, brackets, commas and non-ASCII letters are not allowed).";
        }
        return null;
    }

    /// <inheritdoc/>
    public bool Equals(MssanteAddress? other) =>
        other is not null && string.Equals(LocalPart, other.LocalPart, StringComparison.OrdinalIgnoreCase) && Domain == other.Domain;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MssanteAddress);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(LocalPart), Domain);

    /// <summary>The address, <c>local@domain</c>.</summary>
    public override string ToString() => Value;

    /// <summary>Compares two addresses.</summary>
    public static bool operator ==(MssanteAddress? left, MssanteAddress? right) => Equals(left, right);

    /// <summary>Compares two addresses.</summary>
    public static bool operator !=(MssanteAddress? left, MssanteAddress? right) => !Equals(left, right);
}
