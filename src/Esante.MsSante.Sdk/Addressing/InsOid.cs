namespace Esante.MsSante;

/// <summary>The OIDs that say which register an INS matricule comes from.</summary>
public static class InsOid
{
    /// <summary>INS-NIR: the matricule is a NIR (« numéro d'inscription au répertoire »).</summary>
    public const string Nir = "1.2.250.1.213.1.4.8";

    /// <summary>INS-NIA: the matricule is a NIA (« numéro identifiant d'attente »).</summary>
    public const string Nia = "1.2.250.1.213.1.4.9";

    /// <summary>
    /// INS-NIR of ANS's test patients (« INS de test »): every patient of ANS's examples carries it. Accepted, except where
    /// the application says it runs in production (<c>MssanteOptions.IsProduction</c>).
    /// </summary>
    public const string NirTest = "1.2.250.1.213.1.4.10";

    /// <summary>INS-NIR of demonstration patients (« INS de démonstration »). Accepted, except in production.</summary>
    public const string NirDemo = "1.2.250.1.213.1.4.11";

    internal static bool IsKnown(string oid) => oid is Nir or Nia or NirTest or NirDemo;

    /// <summary>Whether the OID is one of test or demonstration patients, which production refuses.</summary>
    public static bool IsTest(string? oid) => oid is NirTest or NirDemo;
}
