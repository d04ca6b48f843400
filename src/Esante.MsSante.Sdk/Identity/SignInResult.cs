using Esante.MsSante.Operators;

namespace Esante.MsSante;

/// <summary>The result of <see cref="IMssanteSession.SignInAsync"/>: signed in, or a one-time code is needed.</summary>
/// <param name="SecondFactor">The one-time-code step, when one is needed.</param>
public sealed record SignInResult(SecondFactorChallenge? SecondFactor)
{
    /// <summary>Whether signing in is complete.</summary>
    public bool IsSignedIn => SecondFactor is null;
}
