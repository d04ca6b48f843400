using Esante.MsSante.Directory;

namespace Esante.MsSante.Tests.Directory;

/// <summary>The directory search contract over <see cref="InMemoryDirectory"/> built from the data set.</summary>
public sealed class InMemoryDirectoryContractTests : DirectorySearchContract
{
    protected override IDirectorySearch Directory { get; } = new InMemoryDirectory(DataSet);
}
