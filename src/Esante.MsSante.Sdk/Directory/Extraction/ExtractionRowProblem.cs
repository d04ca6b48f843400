namespace Esante.MsSante.Directory;

/// <summary>Why one row of an extraction file was rejected. Never holds the row's content, so no address leaks into logs.</summary>
/// <param name="LineNumber">The line in the file, 1 for the header.</param>
/// <param name="Reason">What is wrong with the row.</param>
public sealed record ExtractionRowProblem(long LineNumber, string Reason);
