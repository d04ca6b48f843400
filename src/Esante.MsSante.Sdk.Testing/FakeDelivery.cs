using MimeKit;

namespace Esante.MsSante.Testing;

/// <summary>A message the fake operator stored in one of its mailboxes.</summary>
/// <param name="Mailbox">The mailbox's address.</param>
/// <param name="FolderPath">The folder it went to (INBOX, Sent, « Échanges Patients »…).</param>
/// <param name="Message">The message as stored.</param>
/// <param name="DeliveredAt">When, on the operator's clock.</param>
public sealed record FakeDelivery(string Mailbox, string FolderPath, MimeMessage Message, DateTimeOffset DeliveredAt);
