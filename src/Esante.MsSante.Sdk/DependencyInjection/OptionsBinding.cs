using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Esante.MsSante;

/// <summary>
/// Binds the SDK's options from configuration in a trimmed or native AOT application. The configuration binding source
/// generator is not used: it ignores type converters, so <c>"TrashRetention": "30 days"</c> would be read as a
/// <see cref="RetentionPeriod"/> of <c>Count</c> and <c>Unit</c> keys and the value silently dropped, and it would write
/// binding code for the certificate collections that configuration never carries. The reflection binder is kept, with
/// every member it reaches kept from trimming here, and it is run in a native AOT build by tests/packaging/check.sh.
/// </summary>
internal static class OptionsBinding
{
    /// <summary>Binds the options to the section, as <c>OptionsBuilder.Bind</c> does.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The options' members are kept by the annotation on TOptions and the DynamicDependency attributes for the types they hold.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The options hold only strings, numbers, enums, URIs, time spans and collections created in code (IList<string>, IDictionary<string, RetentionPeriod>): the binder fills them and creates no generic type at run time.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties | DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(OtpOptions))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(RetentionPeriodConverter))]
    public static OptionsBuilder<TOptions> BindTrimSafe<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(
        this OptionsBuilder<TOptions> options, IConfiguration configuration)
        where TOptions : class =>
        options.Bind(configuration);
}
