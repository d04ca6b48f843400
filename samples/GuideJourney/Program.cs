using Esante.MsSante.Samples.GuideJourney;

// The regional guide's journey, end to end, against the fake operator embedded in this program.
return await Journey.RunAsync(Console.Out) ? 0 : 1;
