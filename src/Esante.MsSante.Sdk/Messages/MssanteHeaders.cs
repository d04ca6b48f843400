namespace Esante.MsSante;

/// <summary>The MSSanté header fields (Référentiel #2 §3.8) and their fixed values.</summary>
public static class MssanteHeaders
{
    /// <summary><c>X-MSS-NIL</c>: the sending software's product reference in the national convergence registry. On every message.</summary>
    public const string Nil = "X-MSS-NIL";

    /// <summary><c>X-MSS-CODECDA</c>: the CDA document codes of an IHE_XDM archive.</summary>
    public const string CodeCda = "X-MSS-CODECDA";

    /// <summary><c>X-MSS-INS</c>: <c>O</c> when the XDM archive holds a qualified INS, else <c>N</c>.</summary>
    public const string Ins = "X-MSS-INS";

    /// <summary><c>X-MSS-MES</c>: with <see cref="MesEndValue"/>, ends a conversation with a patient.</summary>
    public const string Mes = "X-MSS-MES";

    /// <summary>The value of <see cref="Mes"/> that ends a conversation: <c>FIN</c>.</summary>
    public const string MesEndValue = "FIN";

    /// <summary>A subject of exactly <c>[FIN]</c> also ends a conversation with a patient.</summary>
    public const string EndSubject = "[FIN]";
}
