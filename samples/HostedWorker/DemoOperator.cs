using Esante.MsSante.Testing;

namespace Esante.MsSante.Samples.HostedWorker;

/// <summary>
/// What the operator's administrators would have set up: the structure's mailbox, the patient-record server's
/// applicative account as its delegate (signing in with a certificate), and a laboratory writing to it.
/// </summary>
public sealed class DemoOperator
{
    public const string Domain = "esantepdl.mssante.fr";

    public DemoOperator()
    {
        Server = new FakeMssanteOperator(options: new FakeOperatorOptions { DefaultDomain = Domain });
        Worker = Server.CreateAccount("dpi-cardio");
        Laboratory = Server.CreateAccount("labo.biologie", domain: "chu-nantes.mssante.fr");
        Server.CreateOrganisationalMailbox($"secretariat-cardio@{Domain}", "Secrétariat de cardiologie - CH de Cholet", Worker);
    }

    public FakeMssanteOperator Server { get; }

    /// <summary>The patient-record server's own account, delegate of the structure's mailbox.</summary>
    public FakeAccount Worker { get; }

    /// <summary>The laboratory that sends results.</summary>
    public FakeAccount Laboratory { get; }
}
