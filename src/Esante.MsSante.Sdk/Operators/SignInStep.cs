namespace Esante.MsSante.Operators;

/// <summary>The operator's answer to a user name and password: either signed in, or a one-time code is needed.</summary>
public sealed class SignInStep
{
    private SignInStep(OperatorGrant? grant, SecondFactorChallenge? challenge)
    {
        Grant = grant;
        Challenge = challenge;
    }

    /// <summary>The grant, when signing in is complete.</summary>
    public OperatorGrant? Grant { get; }

    /// <summary>The second-factor step, when a one-time code is needed.</summary>
    public SecondFactorChallenge? Challenge { get; }

    /// <summary>Signing in is complete.</summary>
    public static SignInStep Completed(OperatorGrant grant) => new(grant ?? throw new ArgumentNullException(nameof(grant)), null);

    /// <summary>A one-time code is needed.</summary>
    public static SignInStep SecondFactorRequired(SecondFactorChallenge challenge) => new(null, challenge ?? throw new ArgumentNullException(nameof(challenge)));
}
