using System.Reflection;
using Esante.MsSante.Testing;

namespace Esante.MsSante.Tests.ApiShape;

/// <summary>The 1.0 shape of the public API, as a newcomer meets it.</summary>
public class ApiShapeTests
{
    private static readonly Assembly Sdk = typeof(IMssanteSession).Assembly;
    private static readonly Assembly Testing = typeof(FakeMssanteOperator).Assembly;

    private static IEnumerable<Type> Public(Assembly assembly) => assembly.GetExportedTypes();

    [Fact]
    public void No_public_type_shares_its_name_with_a_MailKit_or_MimeKit_type()
    {
        var theirs = typeof(MailKit.IMailFolder).Assembly.GetExportedTypes().Concat(typeof(MimeKit.MimeMessage).Assembly.GetExportedTypes())
            .Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var clashes = Public(Sdk).Concat(Public(Testing)).Select(t => t.Name).Where(theirs.Contains).ToList();
        Assert.Empty(clashes);
    }

    [Fact]
    public void The_everyday_journey_needs_one_namespace()
    {
        // Sign in, open a mailbox, send a letter, read the inbox, handle the errors: all in Esante.MsSante.
        Type[] journey =
        [
            typeof(IMssanteSession), typeof(IMssanteSessionFactory), typeof(SignInResult), typeof(MssanteAddress), typeof(IMailboxClient),
            typeof(IMailboxFolders), typeof(IMailboxMessages), typeof(OutgoingMessage), typeof(Recipient), typeof(OutgoingAttachment),
            typeof(MessageInfo), typeof(ReceivedMessage), typeof(SubmissionResult), typeof(MailboxFolder), typeof(FolderRole),
            typeof(MssanteAuthenticationException), typeof(MessageRejectedException), typeof(DeliveryUncertainException),
            typeof(MailboxCapabilities), typeof(MailboxRules), typeof(QuotaReport), typeof(MssanteOptions), typeof(ImapOperatorOptions),
        ];
        Assert.All(journey, t => Assert.Equal("Esante.MsSante", t.Namespace));
    }

    [Fact]
    public void Every_public_type_is_in_a_namespace_a_newcomer_guesses()
    {
        string[] namespaces =
        [
            "Esante.MsSante", "Esante.MsSante.Operators", "Esante.MsSante.Directory", "Esante.MsSante.Xdm", "Esante.MsSante.ProSanteConnect",
            "Esante.MsSante.Testing", "Microsoft.Extensions.DependencyInjection",
        ];
        Assert.All(Public(Sdk).Concat(Public(Testing)), t => Assert.Contains(t.Namespace, namespaces));
    }

    [Fact]
    public void The_operator_seam_holds_only_what_an_operator_writer_needs()
    {
        var seam = Public(Sdk).Where(t => t.Namespace == "Esante.MsSante.Operators").Select(t => t.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["IMssanteOperator", "IOperatorMailbox", "IOperatorPortal", "OperatorGrant", "SecondFactorChallenge", "SignInStep", "SubmissionEnvelope"],
            seam.Where(n => n is not ("AccessTokens" or "ClientCertificates" or "FolderAclEntry" or "OperatorMailboxExtensions")).ToList());
    }

    [Fact]
    public void One_way_to_substitute_the_services_are_interfaces_and_their_implementations_internal()
    {
        Type[] faces = [typeof(IMssanteSession), typeof(IMssanteSessionFactory), typeof(IMailboxClient), typeof(IOtpProvider), typeof(IAccountPortal)];
        foreach (var face in faces)
        {
            Assert.True(face.IsInterface, face.Name);
            var implementations = Sdk.GetTypes().Where(t => t.IsClass && face.IsAssignableFrom(t)).ToList();
            Assert.NotEmpty(implementations);
            Assert.All(implementations, t => Assert.False(t.IsPublic, $"{t.Name} implements {face.Name} publicly"));
        }
    }

    [Fact]
    public void The_mailbox_groups_its_operations_in_facets_found_by_typing_mailbox_dot()
    {
        var members = typeof(IMailboxClient).GetMembers().Select(m => m.Name).Where(n => !n.StartsWith("get_", StringComparison.Ordinal)).ToHashSet();
        Assert.Equal(
            new HashSet<string> { "Mailbox", "Capabilities", "Folders", "Messages", "Drafts", "Tags", "Contacts", "Settings", "SendAsync", "GetQuotaAsync" },
            members);
    }
}
