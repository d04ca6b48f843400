namespace Esante.MsSante.ProSanteConnect;

/// <summary>
/// How the application proves its identity at the token endpoint (OpenID Connect Core §9), with the secret Pro Santé Connect
/// gave it with its client id. Use the method the application was registered with: neither the MSSanté reference nor the
/// documentation this SDK was checked against says which one Pro Santé Connect requires. Client certificates (mutual TLS)
/// are not offered here.
/// </summary>
public enum ProSanteConnectClientAuthentication
{
    /// <summary><c>client_secret_basic</c>: the client id and secret in an HTTP Basic <c>Authorization</c> header (RFC 6749 §2.3.1), the OAuth default.</summary>
    ClientSecretBasic,

    /// <summary><c>client_secret_post</c>: the client id and secret as <c>client_id</c> and <c>client_secret</c> in the request body.</summary>
    ClientSecretPost,
}
