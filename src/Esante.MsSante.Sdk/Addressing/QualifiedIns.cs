namespace Esante.MsSante;

/// <summary>
/// A qualified INS (« INS qualifiée »): the matricule with its OID and the identity traits it was checked against
/// (birth name, first given name, birth date, sex). Only a qualified INS may be used to write to a patient (ECO.2.2.6).
/// </summary>
/// <remarks>Health data: never log an instance.</remarks>
public sealed record QualifiedIns
{
    /// <summary>Creates a qualified INS and checks that its parts are present and consistent.</summary>
    /// <param name="matricule">The INS matricule.</param>
    /// <param name="oid"><see cref="InsOid.Nir"/> or <see cref="InsOid.Nia"/>.</param>
    /// <param name="birthName">The birth name (« nom de naissance »).</param>
    /// <param name="firstGivenName">The first given name of the civil status (« premier prénom »).</param>
    /// <param name="birthDate">The birth date.</param>
    /// <param name="sex">The administrative sex.</param>
    /// <exception cref="ArgumentNullException">A required part is null.</exception>
    /// <exception cref="ArgumentException">The OID is unknown, a name is blank or contains a line break, or the sex disagrees with the matricule.</exception>
    public QualifiedIns(InsMatricule matricule, string oid, string birthName, string firstGivenName, DateOnly birthDate, AdministrativeSex sex)
    {
        ArgumentNullException.ThrowIfNull(matricule);
        ArgumentNullException.ThrowIfNull(oid);
        if (!InsOid.IsKnown(oid))
        {
            throw new ArgumentException($"The OID of a qualified INS is {InsOid.Nir} (NIR) or {InsOid.Nia} (NIA).", nameof(oid));
        }
        RequireName(birthName, nameof(birthName));
        RequireName(firstGivenName, nameof(firstGivenName));
        var sexDigit = matricule.Value[0];
        if ((sex == AdministrativeSex.Male && sexDigit is not ('1' or '3' or '7')) ||
            (sex == AdministrativeSex.Female && sexDigit is not ('2' or '4' or '8')))
        {
            throw new ArgumentException("The sex does not agree with the first character of the INS matricule.", nameof(sex));
        }
        Matricule = matricule;
        Oid = oid;
        BirthName = birthName;
        FirstGivenName = firstGivenName;
        BirthDate = birthDate;
        Sex = sex;
    }

    /// <summary>The INS matricule.</summary>
    public InsMatricule Matricule { get; }

    /// <summary>The OID of the register: <see cref="InsOid.Nir"/> or <see cref="InsOid.Nia"/>.</summary>
    public string Oid { get; }

    /// <summary>The birth name (« nom de naissance »).</summary>
    public string BirthName { get; }

    /// <summary>The first given name of the civil status (« premier prénom »).</summary>
    public string FirstGivenName { get; }

    /// <summary>The birth date.</summary>
    public DateOnly BirthDate { get; }

    /// <summary>The administrative sex.</summary>
    public AdministrativeSex Sex { get; }

    /// <summary>The patient's MSSanté address in Mon Espace Santé: <c>&lt;matricule&gt;@patient.mssante.fr</c>.</summary>
    public MssanteAddress ToPatientAddress() => MssanteAddress.Parse(Matricule.Value + "@" + MssanteAddress.PatientDomain, TrustedDomainList.Default);

    /// <summary>Keeps health data out of logs: the traits are not printed.</summary>
    public override string ToString() => "QualifiedIns { REDACTED }";

    private static void RequireName(string value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (string.IsNullOrWhiteSpace(value) || value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("The name is blank or contains a line break.", name);
        }
    }
}
