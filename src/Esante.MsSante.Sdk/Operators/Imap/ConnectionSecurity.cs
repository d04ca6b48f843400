namespace Esante.MsSante;

/// <summary>How a connection to the operator is secured.</summary>
public enum ConnectionSecurity
{
    /// <summary>Plain connection upgraded with STARTTLS, which is required (IMAP 143, submission 587; CONF.05/06).</summary>
    StartTls,

    /// <summary>TLS from the first byte (IMAPS 993, SMTPS 465).</summary>
    ImplicitTls,

    /// <summary>No TLS at all. Only for tests against a local server: passwords and health data travel in clear.</summary>
    InsecurePlaintext,
}
