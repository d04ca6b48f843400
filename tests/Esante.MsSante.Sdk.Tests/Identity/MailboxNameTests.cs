using Esante.MsSante.Directory;
using Esante.MsSante.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Esante.MsSante.Tests.Identity;

/// <summary>The name an organisational mailbox is listed under: the operator's, else the national directory's.</summary>
public sealed class MailboxNameTests
{
    [Fact]
    public async Task An_organisational_mailbox_the_operator_names_not_is_listed_under_its_directory_name_and_a_named_one_keeps_its_own()
    {
        var server = new FakeMssanteOperator();
        var alice = server.CreateAccount("alice.martin", "Motdepasse-1");
        var unnamed = server.CreateOrganisationalMailbox($"accueil@{server.Options.DefaultDomain}", $"accueil@{server.Options.DefaultDomain}", alice);
        var named = server.CreateOrganisationalMailbox($"cardio@{server.Options.DefaultDomain}", "Cardiologie", alice);
        var directory = new InMemoryDirectory([
            new DirectoryEntry { Address = unnamed.Address, Organization = "Accueil des urgences - CHU", MailboxKind = MailboxKind.Organisational },
            new DirectoryEntry { Address = named.Address, Organization = "Autre nom", MailboxKind = MailboxKind.Organisational },
        ]);
        await using var provider = new ServiceCollection()
            .AddMssante(o => o.ProductReference = "DEV935997")
            .AddFakeOperator(server)
            .Services.AddSingleton<IDirectorySearch>(directory)
            .BuildServiceProvider();
        await using var session = provider.GetRequiredService<IMssanteSessionFactory>().CreateSession();
        var signIn = await session.SignInAsync(alice.UserName, "Motdepasse-1");
        await session.CompleteSignInAsync(server.LastCodeSentTo(alice.OtpEmail!));
        Assert.True(signIn.SecondFactor is not null);

        var mailboxes = await session.ListMailboxesAsync();
        Assert.Equal("Accueil des urgences - CHU", Assert.Single(mailboxes, m => m.Address == unnamed.Address).DisplayName);
        Assert.Equal("Cardiologie", Assert.Single(mailboxes, m => m.Address == named.Address).DisplayName);
    }
}
