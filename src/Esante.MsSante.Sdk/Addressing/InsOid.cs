namespace Esante.MsSante;

/// <summary>The OIDs that say which register an INS matricule comes from.</summary>
public static class InsOid
{
    /// <summary>INS-NIR: the matricule is a NIR (« numéro d'inscription au répertoire »).</summary>
    public const string Nir = "1.2.250.1.213.1.4.8";

    /// <summary>INS-NIA: the matricule is a NIA (« numéro identifiant d'attente »).</summary>
    public const string Nia = "1.2.250.1.213.1.4.9";

    internal static bool IsKnown(string oid) => oid is Nir or Nia;
}
