namespace Esante.MsSante;

/// <summary>The administrative sex of the INS traits (« sexe »).</summary>
public enum AdministrativeSex
{
    /// <summary>Male (M).</summary>
    Male,

    /// <summary>Female (F).</summary>
    Female,

    /// <summary>Unknown (I, « indéterminé »).</summary>
    Unknown,
}
