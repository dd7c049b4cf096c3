using System.Text.Json.Nodes;
using Forecast.Engines;
using Forecast.Inputs;
using Forecast.Model;
using Forecast.Running;

namespace Forecast.Studies;

/// <summary>
/// Exact Shapley values of a game of n players with integer values (counts of met trials): player i's
/// part is the sum over coalitions S without i of |S|! (n - |S| - 1)! / n! (v(S + i) - v(S)). Kept as
/// integers over the common denominator n!, so the parts add up to v(all) - v(none) exactly.
/// </summary>
public static class Shapley
{
    public const int MaxPlayers = 8;

    /// <summary>Each player's part times n! (the denominator), from v over every coalition (bit i of the mask: player i in).</summary>
    public static long[] Numerators(int n, Func<int, long> v)
    {
        if (n is < 0 or > 20)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "0..20 players");
        }

        var fact = new long[n + 1];
        fact[0] = 1;
        for (var k = 1; k <= n; k++)
        {
            fact[k] = fact[k - 1] * k;
        }

        var values = new long[1 << n];
        for (var mask = 0; mask < values.Length; mask++)
        {
            values[mask] = v(mask);
        }

        var parts = new long[n];
        for (var i = 0; i < n; i++)
        {
            for (var mask = 0; mask < values.Length; mask++)
            {
                if ((mask & (1 << i)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)mask);
                parts[i] += fact[size] * fact[n - size - 1] * (values[mask | (1 << i)] - values[mask]);
            }
        }

        return parts;
    }

    public static long Denominator(int n) => Enumerable.Range(1, n).Aggregate(1L, (f, k) => f * k);
}

/// <summary>One target's change (scenario minus base) split over the players: parts as probabilities and as exact integers over <see cref="Denominator"/>.</summary>
public sealed record Attribution(string Target, int Year, double Base, double Scenario, double Total, IReadOnlyList<(string Player, double Part)> Parts,
    long TotalNumerator, IReadOnlyList<long> Numerators, long Denominator);

public sealed record ExplainResult(ulong Seed, int Trials, string Base, string Scenario, IReadOnlyList<string> Players, IReadOnlyList<Attribution> Targets,
    double BaseCost, double ScenarioCost, IReadOnlyList<(string Player, double Part)> CostParts);

/// <summary>
/// Why a scenario differs from the base: its change in each target's P(met) split across its lever
/// changes by exact Shapley values over every subset (2^n runs on common random numbers). A player is
/// one lever whose value (or first year) differs; the scenario's other changes (assumptions, priors,
/// target thresholds) are one player each, by section. At most <see cref="Shapley.MaxPlayers"/> players
/// (256 runs); past that the study refuses and says so: group changes into fewer scenarios.
/// </summary>
public static class ExplainStudy
{
    private static readonly string[] Sections = ["assumptions", "priors", "targets"];

    /// <summary>The players (the scenario's changes against the base) and each coalition's inputs: the base with the changes of mask's players.</summary>
    public static (IReadOnlyList<string> Players, Func<int, ModelInputs> Coalition) Players(ModelInputs baseInputs, ModelInputs scenario) =>
        Players(ParametersLoader.Load(baseInputs), ParametersLoader.Load(scenario), baseInputs, scenario);

    private static (IReadOnlyList<string> Players, Func<int, ModelInputs> Coalition) Players(Parameters pb, Parameters ps, ModelInputs baseInputs, ModelInputs scenario)
    {
        var (tb, ts) = (Variants.Tree(baseInputs), Variants.Tree(scenario));
        var sb = Variants.SettingsOf(pb);
        var ss = Variants.SettingsOf(ps);
        var levers = ss.Where((s, i) => s != sb[i]).ToList();
        var sections = Sections.Where(k => !JsonNode.DeepEquals(tb[k], ts[k])).ToList();
        var players = levers.Select(l => l.Id).Concat(sections).ToList();
        if (players.Count > Shapley.MaxPlayers)
        {
            throw new InputException(scenario.ScenarioName, null, null,
                $"the scenario changes {players.Count} things against the base ({string.Join(", ", players)}); exact Shapley values need 2^n runs and are computed for at most {Shapley.MaxPlayers} (256 runs): split the scenario into steps and explain each");
        }

        ModelInputs Coalition(int mask)
        {
            var tree = (JsonObject)tb.DeepClone();
            var chosen = levers.Where((_, i) => (mask & (1 << i)) != 0).ToList();
            var levers1 = tree["levers"] as JsonObject ?? new JsonObject();
            tree["levers"] = levers1;
            foreach (var s in chosen)
            {
                levers1[s.Id] = s.From is { } y ? new JsonObject { ["value"] = s.Value, ["from"] = y } : JsonValue.Create(s.Value);
            }

            for (var k = 0; k < sections.Count; k++)
            {
                if ((mask & (1 << (levers.Count + k))) != 0)
                {
                    if (ts[sections[k]] is { } section)
                    {
                        tree[sections[k]] = section.DeepClone();
                    }
                    else
                    {
                        tree.Remove(sections[k]); // the scenario has no such section: the base's goes
                    }
                }
            }

            var name = mask == 0 ? pb.ScenarioName : string.Join(" + ", players.Where((_, i) => (mask & (1 << i)) != 0));
            return Variants.WithTree(baseInputs, name, tree);
        }

        return (players, Coalition);
    }

    public static async Task<ExplainResult> Run(IForecastEngine engine, ModelInputs baseInputs, ModelInputs scenario, RunPlan plan,
        IProgress<StudyProgress>? progress, CancellationToken cancellation)
    {
        var (pb, ps) = (ParametersLoader.Load(baseInputs), ParametersLoader.Load(scenario));
        var (players, coalition) = Players(pb, ps, baseInputs, scenario);
        var n = players.Count;
        var runner = new VariantRunner(engine, plan, progress, cancellation) { Expected = 1 << n };
        var outcomes = new VariantOutcome[1 << n];
        for (var mask = 0; mask < outcomes.Length; mask++)
        {
            outcomes[mask] = await runner.Run(coalition(mask), mask == 0 ? pb.ScenarioName : string.Join(" + ", players.Where((_, i) => (mask & (1 << i)) != 0)));
        }

        var (none, all) = (outcomes[0], outcomes[^1]);
        var denominator = Shapley.Denominator(n);
        var trials = plan.Trials;
        var targets = none.Targets.Select(t =>
        {
            var numerators = Shapley.Numerators(n, mask => outcomes[mask].Target(t.Id).Count);
            var total = all.Target(t.Id).Count - t.Count;
            return new Attribution(t.Id, t.Year, t.Probability, all.Target(t.Id).Probability, (double)total / trials,
                players.Select((p, i) => (p, (double)numerators[i] / denominator / trials)).ToList(), total, numerators, denominator);
        }).ToList();

        // Cost in M yuan is not a count: its parts add up to the whole to rounding, not exactly.
        var costScale = 1e6;
        var cost = Shapley.Numerators(n, mask => (long)Math.Round(outcomes[mask].MeanCost * costScale));
        return new ExplainResult(plan.Seed, trials, pb.ScenarioName, ps.ScenarioName, players, targets,
            none.MeanCost, all.MeanCost, players.Select((p, i) => (p, cost[i] / (double)denominator / costScale)).ToList());
    }
}
