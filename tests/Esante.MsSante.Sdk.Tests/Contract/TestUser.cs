
namespace Esante.MsSante.Tests.Contract;

/// <summary>An account created for one test at the operator under test.</summary>
public sealed record TestUser(string UserName, MssanteAddress Address, string Password);

/// <summary>
/// A test's account with its own mailbox open, disposed with the test (<c>await using</c>). It stands in for the
/// <see cref="TestUser"/> wherever one is asked.
/// </summary>
public sealed record OpenUser(TestUser User, IMailboxClient Box) : IAsyncDisposable
{
    public MssanteAddress Address => User.Address;

    public string UserName => User.UserName;

    public string Password => User.Password;

    public static implicit operator TestUser(OpenUser user) => user.User;

    public ValueTask DisposeAsync() => Box.DisposeAsync();
}
