using Esante.MsSante.MailStackSupport;

namespace Esante.MsSante.Tests.Messages.Fixtures;

/// <summary>The national examples kept beside this file (see README.md there), read from the source tree.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder(), name));

    // Found from the binaries, not [CallerFilePath]: CI builds map source paths to /_/.
    private static string Folder() =>
        Path.Combine(MailStackScripts.RepositoryRoot(), "tests", "Esante.MsSante.Sdk.Tests", "Messages", "Fixtures");
}
