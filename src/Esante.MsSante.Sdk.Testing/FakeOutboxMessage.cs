using MimeKit;

namespace Esante.MsSante.Testing;

/// <summary>Something the fake operator sent out: a code, a reset link, a message relayed to another operator, an out-of-office reply or a notice.</summary>
/// <param name="Kind">What it is.</param>
/// <param name="To">The address it went to.</param>
/// <param name="SentAt">When, on the operator's clock.</param>
/// <param name="Code">The one-time code, for <see cref="FakeOutboxKind.OneTimeCode"/>.</param>
/// <param name="Link">The link, for <see cref="FakeOutboxKind.PasswordResetLink"/>.</param>
/// <param name="Message">The message, for <see cref="FakeOutboxKind.RelayedMessage"/>, <see cref="FakeOutboxKind.AutoReply"/> and <see cref="FakeOutboxKind.Notification"/>.</param>
public sealed record FakeOutboxMessage(FakeOutboxKind Kind, string To, DateTimeOffset SentAt, string? Code = null, Uri? Link = null, MimeMessage? Message = null);
