using System.Runtime.CompilerServices;

namespace Esante.MsSante.Tests.Messages.Fixtures;

/// <summary>The national examples kept beside this file (see README.md there), read from the source tree.</summary>
internal static class Fixture
{
    public static byte[] Bytes(string name) => File.ReadAllBytes(Path.Combine(Folder(), name));

    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
