using Esante.MsSante;
using Esante.MsSante.Operators;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// One MSSanté registration, returned by <c>services.AddMssante(…)</c>: add its operator next
/// (<see cref="ImapOperatorServiceCollectionExtensions.AddImapOperator(MssanteBuilder, Action{ImapOperatorOptions})"/>, or
/// the fake operator's <c>AddFakeOperator</c> in tests).
/// </summary>
/// <remarks>
/// The default registration (<see cref="Name"/> empty) registers plain services: <see cref="IMssanteSessionFactory"/>,
/// a scoped <see cref="IMssanteSession"/>, <see cref="MssantePolicies"/>, <see cref="IOtpProvider"/>. A named one
/// (one per establishment or per operator in the same container) registers the same services keyed by its name:
/// <c>[FromKeyedServices("chu-nantes")] IMssanteSessionFactory sessions</c>.
/// </remarks>
public sealed class MssanteBuilder
{
    internal MssanteBuilder(IServiceCollection services, string name)
    {
        Services = services;
        Name = name;
    }

    /// <summary>The services the registration goes into.</summary>
    public IServiceCollection Services { get; }

    /// <summary>The registration's name: empty for the default one, else its services' key and its options' name.</summary>
    public string Name { get; }

    /// <summary>The key of the registration's services: null for the default registration, else <see cref="Name"/>.</summary>
    public object? ServiceKey => Name.Length == 0 ? null : Name;

    /// <summary>
    /// Sets the registration's operator, replacing any set before: for those who write an operator. The SDK's own are added
    /// by <c>AddImapOperator</c> and, in tests, <c>AddFakeOperator</c>.
    /// </summary>
    /// <param name="factory">Makes the operator, once, from the container and the registration's name.</param>
    /// <returns>This builder.</returns>
    public MssanteBuilder AddOperator(Func<IServiceProvider, string, IMssanteOperator> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.RemoveAllKeyed<IMssanteOperator>(ServiceKey);
        Services.Add(new ServiceDescriptor(typeof(IMssanteOperator), ServiceKey, (sp, _) => factory(sp, Name), ServiceLifetime.Singleton));
        return this;
    }

    /// <summary>The registration's service of type <typeparamref name="T"/>: keyed by its name, or plain for the default one.</summary>
    internal static T Resolve<T>(IServiceProvider services, object? key) where T : notnull =>
        key is null ? services.GetRequiredService<T>() : services.GetRequiredKeyedService<T>(key);

    /// <summary>The registration's service of type <typeparamref name="T"/>, or null when none is registered.</summary>
    internal static T? ResolveOptional<T>(IServiceProvider services, object? key) where T : class =>
        key is null ? services.GetService<T>() : services.GetKeyedService<T>(key);
}
