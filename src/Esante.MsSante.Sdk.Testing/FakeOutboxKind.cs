namespace Esante.MsSante.Testing;

/// <summary>What the fake operator sent to the outside world.</summary>
public enum FakeOutboxKind
{
    /// <summary>A one-time code by e-mail (sign-in or "test a code").</summary>
    OneTimeCode,

    /// <summary>A password-reset / first-connection link.</summary>
    PasswordResetLink,

    /// <summary>A message sent by a mailbox to an address the operator does not host (another operator, a patient).</summary>
    RelayedMessage,

    /// <summary>An out-of-office reply to a sender the operator does not host.</summary>
    AutoReply,

    /// <summary>A new-message notice to a mailbox's notification address (no sender, subject or content).</summary>
    Notification,

    /// <summary>A received message a mailbox forwards (<see cref="MailboxRules.ForwardTo"/>) to an address the operator does not host.</summary>
    ForwardedMessage,
}
