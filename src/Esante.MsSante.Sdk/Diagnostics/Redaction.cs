using System.Text.RegularExpressions;

using Esante.MsSante.Diagnostics;

namespace Esante.MsSante;

/// <summary>Keeps health data out of logs, exception messages and metrics.</summary>
public static partial class Redaction
{
    /// <summary>What replaces a redacted value.</summary>
    public const string Redacted = "REDACTED";

    /// <summary>The longest server text kept in a message; the rest is cut.</summary>
    private const int MaxServerText = 300;

    /// <summary>
    /// An address safe to log: a patient's address (its local part is an INS) becomes <c>REDACTED@patient.mssante.fr</c>;
    /// professionals' and structures' addresses are kept, since they are public in the national directory.
    /// </summary>
    public static string Address(string? address)
    {
        if (address is null)
        {
            return "(none)";
        }
        var at = address.LastIndexOf('@');
        if (at < 0)
        {
            return Redacted;
        }
        return address.AsSpan(at + 1).Equals(MssanteAddress.PatientDomain, StringComparison.OrdinalIgnoreCase)
            ? Redacted + "@" + MssanteAddress.PatientDomain
            : address;
    }

    /// <summary>
    /// A remote party's text (an SMTP reply, an IMAP response text, a ManageSieve or HTTP error) safe for an exception
    /// message or a log: patients' addresses and anything shaped like an INS or NIR are redacted, control characters
    /// become spaces and bidirectional-formatting ones go, and it is cut to a few hundred characters.
    /// </summary>
    /// <param name="text">The text as the server sent it.</param>
    /// <returns>The redacted text; empty for null or empty text.</returns>
    public static string ServerText(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        text = SafeText.OneLine(text);
        // An address at the patient domain, whatever its local part looks like (quoted, encoded, truncated), then any
        // INS or NIR the server wrote on its own (« 279035121518989 », « 2 79 03 51 215 189 89 », Corsica's 2A/2B).
        text = PatientAddressLike().Replace(text, Redacted + "@" + MssanteAddress.PatientDomain);
        text = InsLike().Replace(text, Redacted);
        return text.Length <= MaxServerText ? text : string.Concat(text.AsSpan(0, MaxServerText), "…");
    }

    [GeneratedRegex(@"[^\s<>()\[\],;:""']*@patient\.mssante\.fr\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PatientAddressLike();

    [GeneratedRegex(@"(?<![0-9A-Za-z])[0-9](?:[ .-]?[0-9]){4}[ .-]?(?:[0-9]{2}|2[AaBb])(?:[ .-]?[0-9]){6}(?:[ .-]?[0-9]{2})?(?![0-9A-Za-z])|[0-9]{13,}", RegexOptions.CultureInvariant)]
    private static partial Regex InsLike();
}
