namespace Esante.MsSante.ProSanteConnect;

/// <summary>Which Pro Santé Connect deployment to use; its addresses are in <see cref="ProSanteConnectEndpoints"/>.</summary>
public enum ProSanteConnectEnvironment
{
    /// <summary>Production: real professionals with their CPS card or e-CPS.</summary>
    Production,

    /// <summary>The integration environment (« bac à sable », BAS), with test identities.</summary>
    Integration,
}
