using System.Diagnostics;
using Esante.MsSante.Tests.Diagnostics;

namespace Esante.MsSante.Tests.Contract;

// The traces and metrics of a whole journey, the same on every operator, and none of its secrets or health data in them.
public abstract partial class MailboxContract
{
    [Fact]
    public async Task A_journey_is_traced_and_measured_without_its_secrets_or_health_data()
    {
        using var telemetry = new TelemetryCollector();
        var aliceUser = await CreateUserAsync();
        var bobUser = await CreateUserAsync();
        ActivityTraceId trace;
        using (var root = TelemetryCollector.Root("journey"))
        {
            trace = root.TraceId;
            await using var alice = await OpenOwnAsync(aliceUser);
            await using var bob = await OpenOwnAsync(bobUser);
            await alice.SendAsync(Letter(bobUser.Address, "Avant"));
            var seen = await WaitForMessageAsync(bob, s => s.Subject == "Avant");

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var watching = Task.Run(async () =>
            {
                await foreach (var summary in bob.Messages.WatchAsync(after: seen.Ref, cancellationToken: stop.Token))
                {
                    return summary;
                }
                throw new TimeoutException("The watch ended without the message.");
            });
            var secret = new OutgoingMessage { Subject = $"{KnownSecrets.Subject} {KnownSecrets.Ins}", TextBody = $"{KnownSecrets.Body} {KnownSecrets.PatientAddress}" };
            secret.To.Add(bobUser.Address);
            secret.Attachments.Add(OutgoingAttachment.FromBytes(KnownSecrets.AttachmentFileName, [0x25, 0x50, 0x44, 0x46], "application/pdf"));
            await alice.SendAsync(secret);

            secret.Subject += "\r\n";
            await Assert.ThrowsAsync<MessageRejectedException>(() => alice.SendAsync(secret));
            var unknown = Letter(MssanteAddress.Parse($"personne-{Guid.NewGuid():N}@{HostedDomain}"), KnownSecrets.Subject);
            await Assert.ThrowsAsync<RecipientsRejectedException>(() => alice.SendAsync(unknown));

            var arrived = await watching;
            // Listed first: on the real operator, the mailbox's own connection may not have seen yet what the watch's did.
            await WaitForMessageAsync(bob, s => s.Ref == arrived.Ref);
            var read = await bob.Messages.ReadAsync(arrived.Ref);
            Assert.Single(read.Attachments);
        }

        var spans = telemetry.Trace(trace);
        var names = spans.Select(s => s.OperationName).ToHashSet();
        foreach (var expected in new[]
        {
            "esante.mssante.sign_in", "esante.mssante.mailbox.open", "esante.mssante.message.send", "esante.mssante.smtp.submit",
            "esante.mssante.sent_copy.save", "esante.mssante.messages.list", "esante.mssante.messages.watch", "esante.mssante.message.read",
        })
        {
            Assert.Contains(expected, names);
        }
        Assert.Contains(spans, s => s.OperationName == "esante.mssante.sign_in" && (string?)s.GetTagItem("esante.mssante.sign_in.method") == "password");
        Assert.Contains(spans, s => s.OperationName == "esante.mssante.mailbox.open" && (string?)s.GetTagItem("esante.mssante.mailbox.kind") == "personal");

        // A send that went: its SMTP submission and its copy in Sent are its children.
        var sends = spans.Where(s => s.OperationName == "esante.mssante.message.send").ToList();
        var delivered = Assert.Single(sends, s => s.Status == ActivityStatusCode.Unset && (int?)s.GetTagItem("esante.mssante.message.attachment_count") == 1);
        Assert.Equal(1, delivered.GetTagItem("esante.mssante.message.recipient_count"));
        Assert.Single(spans, s => s.OperationName == "esante.mssante.smtp.submit" && s.ParentSpanId == delivered.SpanId && (string?)s.GetTagItem("network.protocol.name") == "smtp");
        Assert.Single(spans, s => s.OperationName == "esante.mssante.sent_copy.save" && s.ParentSpanId == delivered.SpanId && s.Status != ActivityStatusCode.Error);

        // Refused by the policies (before any submission), then by the server: errors by type only.
        var refused = Assert.Single(sends, s => (string?)s.GetTagItem("error.type") == typeof(MessageRejectedException).FullName);
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
        Assert.DoesNotContain(spans, s => s.ParentSpanId == refused.SpanId);
        var rejected = Assert.Single(sends, s => (string?)s.GetTagItem("error.type") == typeof(RecipientsRejectedException).FullName);
        Assert.Contains(spans, s => s.OperationName == "esante.mssante.smtp.submit" && s.ParentSpanId == rejected.SpanId && s.Status == ActivityStatusCode.Error);
        Assert.All(spans.Where(s => s.Status == ActivityStatusCode.Error), s => Assert.Null(s.StatusDescription));

        var measurements = telemetry.Measurements;
        Assert.Contains(measurements, m => m.Instrument == "esante.mssante.messages.sent" && (string?)m.Tag("esante.mssante.message.kind") == "message");
        Assert.Contains(measurements, m => m.Instrument == "esante.mssante.policy.refusals" && (string?)m.Tag("esante.mssante.policy.code") == PolicyViolationCodes.HeaderInjection);
        Assert.Contains(measurements, m => m.Instrument == "esante.mssante.server.refusals" && (string?)m.Tag("network.protocol.name") == "smtp"
            && (string?)m.Tag("error.type") == typeof(RecipientsRejectedException).FullName);
        Assert.Contains(measurements, m => m.Instrument == "esante.mssante.watch.notifications");
        Assert.Contains(measurements, m => m.Instrument == "esante.mssante.operation.duration" && m.Unit == "s"
            && (string?)m.Tag("esante.mssante.operation") == "esante.mssante.message.send" && m.Value >= 0);

        KnownSecrets.AssertAbsent(telemetry.Everything(), aliceUser.Password, aliceUser.Address.Value, bobUser.Address.Value, aliceUser.UserName, bobUser.UserName);
    }
}
