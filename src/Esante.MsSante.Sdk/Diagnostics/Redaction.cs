using Esante.MsSante.Addressing;

namespace Esante.MsSante.Diagnostics;

/// <summary>Keeps health data out of logs, exception messages and metrics.</summary>
public static class Redaction
{
    /// <summary>What replaces a redacted value.</summary>
    public const string Redacted = "REDACTED";

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
}
