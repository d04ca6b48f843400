namespace Esante.MsSante;

/// <summary>The unit of a retention period (« jours, semaines ou mois »).</summary>
public enum RetentionUnit
{
    /// <summary>Days.</summary>
    Days,

    /// <summary>Weeks of 7 days.</summary>
    Weeks,

    /// <summary>Calendar months.</summary>
    Months,
}
