using Esante.MsSante.Addressing;

namespace Esante.MsSante.Tests.Contract;

/// <summary>An account created for one test at the operator under test.</summary>
public sealed record TestUser(string UserName, MssanteAddress Address, string Password);
