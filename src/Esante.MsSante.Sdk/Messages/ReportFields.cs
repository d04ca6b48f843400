namespace Esante.MsSante;

/// <summary>Reading the typed fields of machine-readable reports (MDN, RFC 8098; DSN, RFC 3464).</summary>
internal static class ReportFields
{
    /// <summary>A typed field's value without its type: <c>rfc822;a@b.fr</c> gives <c>a@b.fr</c>, <c>dns; mx.fr</c> gives <c>mx.fr</c>.</summary>
    public static string? WithoutType(string? field)
    {
        if (field is null)
        {
            return null;
        }
        var semicolon = field.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? field : field[(semicolon + 1)..]).Trim();
    }
}
