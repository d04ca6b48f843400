using System.Text;

namespace Esante.MsSante.Tests.RealStack;

/// <summary>
/// A message the application learnt of on another connection (a watch, another instance) is read at once, though the
/// mailbox's own connection has not heard of it yet: the server is asked for news, then again for the message.
/// </summary>
[Collection(MailStackCollection.Name)]
public sealed class NewArrivalRealStackTests(MailStack stack)
{
    private const string Password = "Motdepasse-1";

    [Fact]
    public async Task A_message_that_arrived_after_the_mailbox_last_heard_from_the_server_is_read_by_the_reference_another_connection_gave()
    {
        var address = stack.NewAddress();
        stack.AddUser(address, Password);
        await using var mailbox = await MailStack.OpenAsync(stack.Options(), address, Password);
        await foreach (var _ in mailbox.Messages.ListAsync())
        {
            // The inbox is selected on the mailbox's connection, and empty.
        }
        await stack.DeliverRawAsync(address, Encoding.ASCII.GetBytes(
            $"From: <labo@{stack.Domain}>\r\nTo: <{address}>\r\nSubject: Arrived later\r\nMessage-ID: <later@tests.local>\r\n\r\nBonjour\r\n"));

        await using var other = await MailStack.OpenAsync(stack.Options(), address, Password);
        MessageInfo? arrived = null;
        await foreach (var info in other.Messages.ListAsync())
        {
            arrived = info;
        }

        var message = await mailbox.Messages.ReadAsync(arrived!.Ref);
        Assert.Equal("<later@tests.local>", "<" + message.MessageId + ">");
        await mailbox.Messages.MarkAsReadAsync(arrived.Ref);
    }
}
