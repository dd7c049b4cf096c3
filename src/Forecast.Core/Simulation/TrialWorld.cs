using Forecast.Model;
using Forecast.Random;

namespace Forecast.Simulation;

/// <summary>Where a run's trials take their uncertain inputs from.</summary>
public abstract record WorldSource
{
    private WorldSource()
    {
    }

    /// <summary>From the priors, and from the calibrated ensemble where the parameters hold one (the default).</summary>
    public sealed record Calibrated : WorldSource;

    /// <summary>Every input from its prior (calibration's first round, the backtest).</summary>
    public sealed record Priors : WorldSource;

    /// <summary>Trial k of the run takes set k (calibration's proposals), in the order of <see cref="SimulationModel.InputIds"/>.</summary>
    public sealed record Explicit(double[][] Sets) : WorldSource;
}

/// <summary>
/// The uncertain inputs of a batch's trials: one value per input and trial, input-major. Each is a
/// pure function of (seed, trial, input id): a prior draw through its own keyed uniform, a set of the
/// ensemble picked by the trial's own keyed uniform, or a value the scenario pinned.
/// </summary>
public sealed class TrialWorld
{
    private TrialWorld(int trials, double[] values)
    {
        Trials = trials;
        Values = values;
    }

    public int Trials { get; }

    /// <summary>Input i of trial t at i x Trials + t (inputs in the order of <see cref="SimulationModel.InputIds"/>).</summary>
    public double[] Values { get; }

    public ReadOnlySpan<double> this[UncertainInput input] => Values.AsSpan((int)input * Trials, Trials);

    /// <summary>A lever's elasticity in each trial.</summary>
    public ReadOnlySpan<double> Elasticity(int lever) => Values.AsSpan((UncertainInputs.Count + lever) * Trials, Trials);

    public double this[UncertainInput input, int trial] => Values[((int)input * Trials) + trial];

    public static TrialWorld Draw(SimulationModel model, ulong seed, int firstTrial, int trials)
    {
        var p = model.Parameters;
        var priors = p.Priors.Concat(p.ElasticityPriors).ToArray();
        var values = new double[priors.Length * trials];
        var (k0, k1) = Streams.Key(seed);
        var ensemble = model.Source is WorldSource.Calibrated ? p.Posterior : null;
        var fromEnsemble = new int[priors.Length]; // column of the ensemble that speaks for input i, else -1
        for (var i = 0; i < priors.Length; i++)
        {
            fromEnsemble[i] = ensemble is null || (i < UncertainInputs.Count && p.SetByScenario[i])
                ? -1
                : Array.IndexOf(ensemble.Ids, model.InputIds[i]);
        }

        for (var t = 0; t < trials; t++)
        {
            var trial = (uint)(firstTrial + t);
            var set = model.Source switch
            {
                WorldSource.Explicit e => e.Sets[firstTrial + t],
                _ when ensemble is not null => ensemble.Values[ensemble.Pick(Uniform(k0, k1, trial, Streams.EnsembleSet))],
                _ => null,
            };
            for (var i = 0; i < priors.Length; i++)
            {
                double v;
                if (model.Source is WorldSource.Explicit && !priors[i].IsFixed)
                {
                    v = set![i];
                }
                else if (fromEnsemble[i] >= 0)
                {
                    v = set![fromEnsemble[i]];
                }
                else
                {
                    v = priors[i].Quantile(Uniform(k0, k1, trial, model.InputKeys[i]));
                }

                values[(i * trials) + t] = v;
            }
        }

        return new TrialWorld(trials, values);
    }

    private static double Uniform(uint k0, uint k1, uint trial, uint key)
    {
        Philox.Block(k0, k1, trial, Streams.World, key, 0, out var r0, out _, out _, out _);
        return Philox.ToUnit(r0);
    }

    /// <summary>The keyed stream of an input: FNV-1a of its id, so adding an input leaves every other input's draws alone.</summary>
    public static uint KeyOf(string id)
    {
        var h = 2166136261u;
        foreach (var c in id)
        {
            h = (h ^ c) * 16777619u;
        }

        return h == Streams.EnsembleSet ? h + 1 : h;
    }
}
