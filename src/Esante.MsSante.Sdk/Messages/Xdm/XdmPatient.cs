using System.Globalization;

namespace Esante.MsSante.Xdm;

/// <summary>
/// The patient's traits as a received archive's metadata gives them (sourcePatientInfo: PID-3, PID-5, PID-7, PID-8 and
/// PID-11): what a receiver compares with its own identity of the patient before integrating the documents.
/// </summary>
/// <remarks>Health data: never log an instance.</remarks>
public sealed record XdmPatient
{
    /// <summary>The identifier (PID-3, HL7 CX), e.g. the INS with its OID.</summary>
    public string? Id { get; init; }

    /// <summary>The birth name (PID-5, first component).</summary>
    public string? BirthName { get; init; }

    /// <summary>The first given name (PID-5, second component).</summary>
    public string? GivenName { get; init; }

    /// <summary>The birth date (PID-7).</summary>
    public DateOnly? BirthDate { get; init; }

    /// <summary>The administrative sex (PID-8), when it is M, F or U.</summary>
    public AdministrativeSex? Sex { get; init; }

    /// <summary>The birthplace's INSEE code (PID-11 of type BDL), when given.</summary>
    public string? BirthplaceCode { get; init; }

    /// <summary>Keeps health data out of logs: the traits are not printed.</summary>
    public override string ToString() => "XdmPatient { REDACTED }";

    internal static XdmPatient? FromSourcePatientInfo(IReadOnlyList<string> values)
    {
        string? Field(string name) => values.FirstOrDefault(v => v.StartsWith(name + "|", StringComparison.Ordinal))?[(name.Length + 1)..];
        var name = Field("PID-5")?.Split('^');
        var birthDate = Field("PID-7");
        var birthplace = Field("PID-11")?.Split('^');
        var patient = new XdmPatient
        {
            Id = Field("PID-3"),
            BirthName = name is [{ Length: > 0 } family, ..] ? family : null,
            GivenName = name is [_, { Length: > 0 } given, ..] ? given : null,
            BirthDate = birthDate is { Length: >= 8 } && DateOnly.TryParseExact(birthDate[..8], "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null,
            Sex = Field("PID-8") switch { "M" => AdministrativeSex.Male, "F" => AdministrativeSex.Female, "U" => AdministrativeSex.Unknown, _ => null },
            BirthplaceCode = birthplace is { Length: >= 9 } && birthplace[6] == "BDL" && birthplace[8].Length > 0 ? birthplace[8] : null,
        };
        return patient == new XdmPatient() ? null : patient;
    }
}
