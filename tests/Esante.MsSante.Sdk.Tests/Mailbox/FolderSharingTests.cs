
namespace Esante.MsSante.Tests.Mailbox;

public sealed class FolderSharingTests
{
    [Theory]
    [InlineData("lrs", ShareRole.Viewer)]
    [InlineData("srl", ShareRole.Viewer)]
    [InlineData("lrswite", ShareRole.Manager)]
    [InlineData("lrswitekxa", ShareRole.Administrator)]
    [InlineData("eilrwtsd", ShareRole.Manager)]
    [InlineData("aeiklrstwxcd", ShareRole.Administrator)]
    [InlineData("lr", null)]
    [InlineData("lrwstipekxacd", null)]
    public void Rights_map_to_a_role_only_when_they_are_exactly_its_own(string rights, ShareRole? role) =>
        Assert.Equal(role, FolderShare.RoleOf(rights));

    [Fact]
    public async Task A_folder_is_not_shared_with_its_own_mailbox_nor_with_an_unknown_role()
    {
        var fake = new FakeMailbox(0);
        var client = new MailboxClient(await fake.OpenAsync(), MssantePolicies.Default, "DEV935997");
        await Assert.ThrowsAsync<ArgumentException>(() => client.ShareFolderAsync("Trash", fake.Doctor.Address, ShareRole.Viewer));
        var colleague = fake.Server.CreateAccount("paul.durand", "Motdepasse-2");
        // Reading an inbox makes a delegate, who sends in the mailbox's name: that is the operator's delegation, not a share.
        await Assert.ThrowsAsync<ArgumentException>(() => client.ShareFolderAsync("INBOX", colleague.Address, ShareRole.Viewer));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ShareFolderAsync("Trash", colleague.Address, (ShareRole)9, sendNotice: true));
        Assert.Empty(await client.GetFolderSharesAsync("Trash"));
    }
}
