using Esante.MsSante.Operators;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Esante.MsSante;

/// <summary>
/// The sessions of one registration: its operator, options and policies, made once, and the application's directory if it
/// registered one (for organisational mailboxes the operator gives no name).
/// </summary>
internal sealed class MssanteSessionFactory(
    IMssanteOperator @operator, MssanteOptions options, MssantePolicies policies, TimeProvider time, ILoggerFactory? loggerFactory,
    Directory.IDirectorySearch? directory = null) : IMssanteSessionFactory
{
    public IMssanteSession CreateSession() => new MssanteSession(@operator, Options.Create(options), policies, time, loggerFactory, directory);
}
