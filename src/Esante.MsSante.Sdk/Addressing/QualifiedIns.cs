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
    /// <param name="oid"><see cref="InsOid.Nir"/> or <see cref="InsOid.Nia"/>; <see cref="InsOid.NirTest"/> or <see cref="InsOid.NirDemo"/> for ANS's test and demonstration patients.</param>
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
            throw new ArgumentException($"The OID of a qualified INS is {InsOid.Nir} (NIR) or {InsOid.Nia} (NIA), or {InsOid.NirTest} and {InsOid.NirDemo} for test and demonstration patients.", nameof(oid));
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

    /// <summary>The OID of the register: <see cref="InsOid.Nir"/> or <see cref="InsOid.Nia"/> (or a test or demonstration OID).</summary>
    public string Oid { get; }

    /// <summary>The birth name (« nom de naissance »).</summary>
    public string BirthName { get; }

    /// <summary>The first given name of the civil status (« premier prénom »).</summary>
    public string FirstGivenName { get; }

    /// <summary>The birth date.</summary>
    public DateOnly BirthDate { get; }

    /// <summary>The administrative sex.</summary>
    public AdministrativeSex Sex { get; }

    /// <summary>
    /// The birthplace (« lieu de naissance »): the INSEE code of the commune of birth (5 characters, <c>2A</c>/<c>2B</c> for
    /// Corsica), or <c>99</c> and the country's code for a birth abroad. A qualified identity carries it (FR Core): an
    /// archive only says the INS is qualified (<c>X-MSS-INS: O</c>) when it is there.
    /// </summary>
    /// <exception cref="ArgumentException">It is not 5 characters of an INSEE code.</exception>
    public string? BirthplaceCode
    {
        get => _birthplaceCode;
        init
        {
            if (value is not null && !(value.Length == 5 && value.All(char.IsAsciiDigit) ||
                value.Length == 5 && value[0] == '2' && value[1] is 'A' or 'B' && value[2..].All(char.IsAsciiDigit)))
            {
                throw new ArgumentException("The birthplace is the 5-character INSEE code of the commune (or 99 and the country's code).", nameof(value));
            }
            _birthplaceCode = value;
        }
    }

    private readonly string? _birthplaceCode;

    /// <summary>
    /// Whether the identity's status is « qualifiée » (the INS was retrieved from the INSi teleservice and the identity
    /// checked against a proof): true by default. Set false for an identity that is not, or not yet: an archive then
    /// says so (<c>X-MSS-INS: N</c>) and no patient address may be built from it (ECO.2.2.6).
    /// </summary>
    public bool IsQualified { get; init; } = true;

    /// <summary>Whether the identity is qualified and carries every trait FR Core asks of it, the birthplace included.</summary>
    internal bool IsQualifiedWithAllTraits => IsQualified && BirthplaceCode is not null;

    /// <summary>The patient's MSSanté address in Mon Espace Santé: <c>&lt;matricule&gt;@patient.mssante.fr</c>.</summary>
    /// <exception cref="InvalidOperationException">The identity is not qualified (<see cref="IsQualified"/>): ECO.2.2.6 forbids it.</exception>
    public MssanteAddress ToPatientAddress() => !IsQualified
        ? throw new InvalidOperationException("A patient's address is only built from a qualified INS (ECO.2.2.6).")
        : MssanteAddress.Parse(Matricule.Value + "@" + MssanteAddress.PatientDomain, TrustedDomainList.Default);

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
