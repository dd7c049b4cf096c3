using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Forecast.Inputs;

namespace Forecast.Model;

/// <summary>
/// Turns validated input documents into <see cref="Parameters"/>: the baseline (facts, priors, held
/// values, levers), the targets, the calibrated ensemble, then the scenario overlay (lever values,
/// pinned assumptions, replaced priors, target thresholds), with the checks a schema cannot make
/// (unknown ids, values outside ranges, facts published after the information date, an ensemble
/// fitted to another baseline), each naming file, field and line.
/// </summary>
public static class ParametersLoader
{
    public static Parameters Load(ModelInputs inputs)
    {
        var baseline = YamlInput.Parse(inputs.BaselineYaml, inputs.BaselineName, "baseline");
        var targets = YamlInput.Parse(inputs.TargetsYaml, inputs.TargetsName, "targets");
        var scenario = YamlInput.Parse(inputs.ScenarioYaml, inputs.ScenarioName, "scenario");
        var p = Build(baseline, targets, scenario);
        if (inputs.CalibrationYaml is not null)
        {
            var calibration = YamlInput.Parse(inputs.CalibrationYaml, inputs.CalibrationName!, "calibration");
            CheckFittedTo(calibration, baseline);
            if (inputs.PosteriorCsv is null)
            {
                throw new InputException(inputs.CalibrationName!, "ensemble", calibration.LineOf("ensemble"),
                    $"names an ensemble file, but {ModelInputs.PosteriorFile} is missing; run `forecast calibrate`");
            }

            p.Posterior = ReadEnsemble(Ensemble.Parse(inputs.PosteriorCsv, inputs.PosteriorName!), inputs.PosteriorName!, p);
        }

        return p;
    }

    /// <summary>A digest of the baseline's content (not its layout or comments): what a calibration was fitted to.</summary>
    public static string Digest(InputDocument baseline) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(baseline.Root.ToJsonString())));

    private static void CheckFittedTo(InputDocument calibration, InputDocument baseline)
    {
        var fitted = calibration.Root["baseline-digest"]?.GetValue<string>();
        if (fitted != Digest(baseline))
        {
            throw new InputException(calibration.Path, "baseline-digest", calibration.LineOf("baseline-digest"),
                "the ensemble was fitted to another baseline.yaml (its facts, priors or levers changed since); run `forecast calibrate`");
        }
    }

    private static Parameters Build(InputDocument baseline, InputDocument targetsDoc, InputDocument scenario)
    {
        var root = baseline.Root;
        var p = new Parameters
        {
            ScenarioName = scenario.Root["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(scenario.Path),
            InformationDate = DateOnly.ParseExact(root["information-date"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
            StartYear = (int)Num(root["start-year"]!),
            CalibrationYear = (int)Num(root["calibration-year"]!),
            LastYear = (int)Num(root["last-year"]!),
            PopulationSeed = (ulong)Num(root["population-seed"]!),
        };
        ReadFacts(p, baseline);
        var assumptions = root["assumptions"]!.AsObject();
        ReadPriors(p, baseline, assumptions);
        p.BaselinePriors = (Prior[])p.Priors.Clone();
        ReadHeld(p, baseline, assumptions);
        Overlay(p, baseline, assumptions, scenario);
        ReadCalibrationFacts(p, baseline);
        ReadLevers(p, baseline, scenario);
        ReadTargets(p, targetsDoc, scenario);
        CheckCapacity(p, baseline, scenario);
        return p;
    }

    /// <summary>
    /// The entrant slots must hold every year at the top of new-firms-per-year, so a run does not
    /// find out halfway for want of founded firms; graduates and the Poisson tail beyond it are
    /// checked as the run goes (a run that needs more stops with an error naming entrant-slots).
    /// </summary>
    private static void CheckCapacity(Parameters p, InputDocument baseline, InputDocument scenario)
    {
        var years = p.LastYear - p.CalibrationYear + 1;
        var need = years * p.Prior(UncertainInput.NewFirmsPerYear).Hi;
        if (need > p.EntrantSlots)
        {
            var doc = scenario.Root["assumptions"]?["entrant-slots"] is not null ? scenario : baseline;
            const string field = "assumptions.entrant-slots";
            throw new InputException(doc.Path, field, doc.LineOf(field), string.Create(CultureInfo.InvariantCulture,
                $"{p.EntrantSlots} slots cannot hold {years} years at the top of new-firms-per-year ({p.Prior(UncertainInput.NewFirmsPerYear).Hi:0} a year, {need:0} firms); raise it"));
        }
    }

    private static void ReadFacts(Parameters p, InputDocument doc)
    {
        foreach (var (id, fact) in doc.Root["facts"]!.AsObject())
        {
            var published = fact!["published"]!.GetValue<string>();
            // A year alone is read as its last day: the check must not let a fact of that year through early.
            var date = published.Length == 4
                ? new DateOnly(int.Parse(published, CultureInfo.InvariantCulture), 12, 31)
                : DateOnly.ParseExact(published, "yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (date > p.InformationDate)
            {
                var field = $"facts.{id}.published";
                throw new InputException(doc.Path, field, doc.LineOf(field),
                    $"published {published}, after the information date {p.InformationDate:yyyy-MM-dd}: a later outcome is for scoring (actuals), not a fact");
            }

            p.Facts[id] = Num(fact["value"]!);
            p.FactPublished[id] = date;
        }

        double F(string id)
        {
            p.FactsRead.Add(id);
            return p.Facts.TryGetValue(id, out var v) ? v : throw Missing(doc, $"facts.{id}");
        }

        p.Gdp2020 = F("gdp-2020");
        p.RdGdp2020 = F("rd-gdp-2020");
        p.HtInvestGrowth2021 = F("ht-invest-growth-2021");
        p.AboveScaleRevenue = F("above-scale-revenue");
        p.SmeMaxRevenue = F("sme-max-revenue");
        p.EagletMaxAge = F("eaglet-max-age");
        p.EagletMaxRevenue = F("eaglet-max-revenue");
        p.CertificateYears = (int)F("hte-certificate-years");
        p.RdThresholdSmall = F("hte-rd-threshold-small");
        p.RdThresholdMedium = F("hte-rd-threshold-medium");
        p.RdThresholdLarge = F("hte-rd-threshold-large");
        p.MediumRevenue = F("hte-medium-revenue");
        p.LargeRevenue = F("hte-large-revenue");
    }

    /// <summary>Every uncertain input's prior; the standardised shocks are N(0, 1) by definition.</summary>
    private static void ReadPriors(Parameters p, InputDocument doc, JsonObject assumptions)
    {
        for (var i = 0; i < UncertainInputs.Count; i++)
        {
            var input = (UncertainInput)i;
            var id = UncertainInputs.Id(input);
            if (UncertainInputs.IsStandardShock(input))
            {
                p.Priors[i] = new Prior(PriorFamily.Normal, 0, 1, -8, 8);
                continue;
            }

            var field = $"assumptions.{id}";
            if (assumptions[id] is not JsonObject a)
            {
                throw Missing(doc, field);
            }

            if (a["prior"] is not { } prior)
            {
                throw new InputException(doc.Path, field, doc.LineOf(field), "the model draws this input per trial: give it a prior, not a held value");
            }

            p.Priors[i] = ParsePrior(doc, $"{field}.prior", prior, Range(a));
        }

        p.ReferenceGrowth = p.Prior(UncertainInput.GdpGrowthMean).Median;
        foreach (var (id, node) in assumptions)
        {
            if (node!["prior"] is not null && !UncertainInputs.TryParse(id, out _))
            {
                var field = $"assumptions.{id}";
                throw new InputException(doc.Path, field, doc.LineOf(field),
                    $"has a prior, but the model draws no input '{id}'; uncertain inputs: {string.Join(", ", UncertainInputs.AllIds)}");
            }
        }
    }

    /// <summary>The held values: the synthetic population's shapes, per-tier rates whose levels are uncertain, incubator counts.</summary>
    private static void ReadHeld(Parameters p, InputDocument doc, JsonObject assumptions)
    {
        JsonNode V(string id) => assumptions[id]?["value"] ?? throw Missing(doc, $"assumptions.{id}.value");
        double A(string id) => Num(V(id));
        double[] Arr(string id, int n)
        {
            if (V(id) is not JsonArray node || node.Count != n)
            {
                throw new InputException(doc.Path, $"assumptions.{id}.value", doc.LineOf($"assumptions.{id}.value"), $"expected a list of {n} numbers");
            }

            return node.Select(x => Num(x!)).ToArray();
        }

        p.RevenueMedian = [A("revenue-median-candidate"), A("revenue-median-eaglet"), A("revenue-median-ptsme"), A("revenue-median-hte")];
        p.RevenueSigma = A("revenue-sigma");
        var rdPairs = new[] { "rd-intensity-candidate", "rd-intensity-eaglet", "rd-intensity-ptsme", "rd-intensity-hte" };
        for (var i = 0; i < 4; i++)
        {
            var pair = Arr(rdPairs[i], 2);
            (p.RdIntensityLo[i], p.RdIntensityHi[i]) = (pair[0], pair[1]);
        }

        (p.VaRatioLo, p.VaRatioHi) = Pair(Arr("value-added-ratio", 2));
        (p.InvestRatioLo, p.InvestRatioHi) = Pair(Arr("investment-ratio", 2));
        p.HighTechShareHte = A("high-tech-industry-share-hte");
        p.HighTechShareOther = A("high-tech-industry-share-other");
        p.FirmAgeMax = A("firm-age-max");
        p.InstitutionMixHte = Arr("rd-institution-mix-hte", 5);
        p.InstitutionMixPtsme = Arr("rd-institution-mix-ptsme", 5);
        p.ExitRate = [A("exit-rate-candidate"), A("exit-rate-eaglet"), A("exit-rate-ptsme"), A("exit-rate-hte")];
        p.ExitSmallRevenue = A("exit-small-revenue");
        p.ExitLargeRevenue = A("exit-large-revenue");
        p.HteApply = [A("hte-apply-candidate"), A("hte-apply-eaglet"), A("hte-apply-ptsme"), 0];
        p.PtsmeListingCandidate = A("ptsme-listing-candidate");
        p.PtsmeListingEaglet = A("ptsme-listing-eaglet");
        p.EagletListingYoung = A("eaglet-listing-young");
        p.HtePassCap = A("hte-pass-cap");
        p.InstitutionUpgrade = Arr("rd-institution-upgrade", 4);
        p.GraduationRate = [0, A("graduation-rate-municipal"), A("graduation-rate-provincial"), A("graduation-rate-national")];
        p.Incubators2020 = (int)A("incubators-2020");
        p.NationalIncubators2020 = (int)A("national-incubators-2020");
        p.ProvincialIncubators2020 = (int)A("provincial-incubators-2020");
        p.HteRewardBudget = A("hte-reward-budget");
        p.EntrantSlots = (int)A("entrant-slots");
        p.IncubatorSlots = (int)A("incubator-slots");
    }

    /// <summary>
    /// The scenario: a number (or list) pins an assumption, held or uncertain, within its range;
    /// priors.ID replaces an uncertain input's prior, still truncated to the baseline's range.
    /// </summary>
    private static void Overlay(Parameters p, InputDocument baseline, JsonObject assumptions, InputDocument scenario)
    {
        if (scenario.Root["priors"] is JsonObject priors)
        {
            foreach (var (id, prior) in priors)
            {
                var field = $"priors.{id}";
                if (!UncertainInputs.TryParse(id, out var input) || UncertainInputs.IsStandardShock(input))
                {
                    throw new InputException(scenario.Path, field, scenario.LineOf(field),
                        $"'{id}' is not an uncertain input; uncertain inputs: {string.Join(", ", UncertainInputs.AllIds.Where(i => assumptions[i]?["prior"] is not null))}");
                }

                p.Priors[(int)input] = ParsePrior(scenario, field, prior!, Range((JsonObject)assumptions[id]!));
                p.SetByScenario[(int)input] = true;
            }
        }

        if (scenario.Root["assumptions"] is not JsonObject pins)
        {
            return;
        }

        var held = new JsonObject();
        foreach (var (id, value) in pins)
        {
            var field = $"assumptions.{id}";
            if (assumptions[id] is not JsonObject a)
            {
                throw new InputException(scenario.Path, field, scenario.LineOf(field),
                    $"unknown assumption '{id}'; see {baseline.Path} for the {assumptions.Count} assumptions");
            }

            CheckPin(scenario, field, a, value!);
            if (UncertainInputs.TryParse(id, out var input) && a["prior"] is not null)
            {
                p.Priors[(int)input] = Prior.Fixed(Num(value!));
                p.SetByScenario[(int)input] = true;
            }
            else
            {
                var copy = (JsonObject)a.DeepClone();
                copy["value"] = value!.DeepClone();
                held[id] = copy;
            }
        }

        if (held.Count > 0)
        {
            var merged = (JsonObject)assumptions.DeepClone();
            foreach (var (id, a) in held)
            {
                merged[id] = a!.DeepClone();
            }

            ReadHeld(p, baseline, merged);
        }
    }

    private static void ReadCalibrationFacts(Parameters p, InputDocument doc)
    {
        var list = new List<CalibrationFact>();
        foreach (var (id, node) in doc.Root["calibration-facts"]!.AsObject())
        {
            var field = $"calibration-facts.{id}";
            if (!p.Facts.TryGetValue(id, out var observed))
            {
                throw new InputException(doc.Path, field, doc.LineOf(field), $"no fact '{id}' in facts");
            }

            var indicatorId = node!["indicator"]!.GetValue<string>();
            if (!Indicators.TryParse(indicatorId, out var indicator))
            {
                throw new InputException(doc.Path, $"{field}.indicator", doc.LineOf($"{field}.indicator"),
                    $"unknown indicator '{indicatorId}'; known: {string.Join(", ", Indicators.AllIds)}");
            }

            list.Add(node["sd"] is { } sd
                ? new CalibrationFact(id, indicator, observed, 0, Num(sd))
                : new CalibrationFact(id, indicator, observed, Num(node["tolerance"]!), 0));
        }

        p.CalibrationFacts = list.ToArray();
    }

    private static void ReadLevers(Parameters p, InputDocument baseline, InputDocument scenario)
    {
        var defs = new List<LeverDefinition>();
        foreach (var (id, node) in baseline.Root["levers"]!.AsObject())
        {
            var allowed = node!["allowed"]!.AsArray();
            var elasticity = node["elasticity"]!.AsArray();
            var cost = node["cost"]!;
            defs.Add(new LeverDefinition(
                id, defs.Count, node["description"]!.GetValue<string>(), node["unit"]!.GetValue<string>(),
                Num(node["baseline"]!), Num(allowed[0]!), Num(allowed[1]!),
                LeverDefinition.ParseChannel(node["channel"]!.GetValue<string>()),
                Num(elasticity[0]!), Num(elasticity[1]!),
                Num(cost["factor"]!), LeverDefinition.ParseCostBase(cost["per"]!.GetValue<string>()),
                cost["times-value"]!.GetValue<bool>(),
                LeverDefinition.ParseCoupling(node["coupling"]?.GetValue<string>())));
        }

        foreach (var d in defs.Where(d => !(d.ElasticityLo >= 0 && d.ElasticityLo <= d.ElasticityHi && d.ElasticityHi <= 1)))
        {
            var field = $"levers.{d.Id}.elasticity";
            throw new InputException(baseline.Path, field, baseline.LineOf(field),
                $"[{Fmt(d.ElasticityLo)}, {Fmt(d.ElasticityHi)}] is not allowed; use 0 <= low <= high <= 1 (a full cut can at most remove the effect)");
        }

        p.Levers = defs.ToArray();
        p.LeverValues = defs.Select(d => d.Baseline).ToArray();
        p.LeverFrom = defs.Select(_ => p.FirstPolicyYear).ToArray();
        p.ElasticityPriors = defs.Select(d => d.ElasticityLo < d.ElasticityHi
            ? new Prior(PriorFamily.Uniform, 0, 0, d.ElasticityLo, d.ElasticityHi)
            : Prior.Fixed(d.ElasticityLo)).ToArray();
        if (scenario.Root["levers"] is not JsonObject chosen)
        {
            return;
        }

        foreach (var (id, value) in chosen)
        {
            var field = $"levers.{id}";
            var index = defs.FindIndex(d => d.Id == id);
            if (index < 0)
            {
                throw new InputException(scenario.Path, field, scenario.LineOf(field),
                    $"unknown lever '{id}'; known levers: {string.Join(", ", defs.Select(d => d.Id))}");
            }

            var d = defs[index];
            var valueField = value is JsonObject ? $"{field}.value" : field;
            var v = Num(value is JsonObject phased ? phased["value"]! : value!);
            if (!(v >= d.Min && v <= d.Max))
            {
                throw new InputException(scenario.Path, valueField, scenario.LineOf(valueField),
                    $"value {Fmt(v)} is outside the allowed range [{Fmt(d.Min)}, {Fmt(d.Max)}] ({d.Unit})");
            }

            p.LeverValues[index] = v;
            if (value is JsonObject { } o && o["from"] is { } from)
            {
                var fromField = $"{field}.from";
                var year = Num(from);
                if (!(year >= p.FirstPolicyYear && year <= p.LastYear && year == Math.Floor(year)))
                {
                    throw new InputException(scenario.Path, fromField, scenario.LineOf(fromField),
                        $"year {Fmt(year)} is not allowed; use a whole year {p.FirstPolicyYear}..{p.LastYear} (levers act from {p.FirstPolicyYear}: {p.CalibrationYear} is observed)");
                }

                p.LeverFrom[index] = (int)year;
            }
        }
    }

    private static void ReadTargets(Parameters p, InputDocument doc, InputDocument scenario)
    {
        var list = new List<TargetDefinition>();
        var nodes = doc.Root["targets"]!.AsArray();
        for (var i = 0; i < nodes.Count; i++)
        {
            var t = nodes[i]!;
            var id = t["id"]!.GetValue<string>();
            var indicatorId = t["indicator"]!.GetValue<string>();
            if (!Indicators.TryParse(indicatorId, out var indicator))
            {
                throw new InputException(doc.Path, $"targets.{i}.indicator", doc.LineOf($"targets.{i}.indicator"),
                    $"unknown indicator '{indicatorId}'; known: {string.Join(", ", Indicators.AllIds)}");
            }

            var year = (int)Num(t["year"]!);
            if (year < p.CalibrationYear || year > p.LastYear)
            {
                throw new InputException(doc.Path, $"targets.{i}.year", doc.LineOf($"targets.{i}.year"),
                    $"year {year} is outside the simulated years {p.CalibrationYear}-{p.LastYear}");
            }

            if (list.Any(x => x.Id == id))
            {
                throw new InputException(doc.Path, $"targets.{i}.id", doc.LineOf($"targets.{i}.id"), $"duplicate target id '{id}'");
            }

            list.Add(new TargetDefinition(id, indicator, year, Num(t["at-least"]!), t["source"]!.GetValue<string>(), t["counting"]?.GetValue<string>(), t["owner"]?.GetValue<string>()));
        }

        if (scenario.Root["targets"] is JsonObject overrides)
        {
            foreach (var (id, value) in overrides)
            {
                var field = $"targets.{id}";
                var index = list.FindIndex(t => t.Id == id);
                if (index < 0)
                {
                    throw new InputException(scenario.Path, field, scenario.LineOf(field),
                        $"unknown target '{id}'; known targets: {string.Join(", ", list.Select(t => t.Id))}");
                }

                list[index] = list[index] with { Threshold = Num(value!) };
            }
        }

        p.Targets = list.ToArray();
    }

    /// <summary>The ensemble's inputs must be the model's uncertain inputs, its values inside their ranges.</summary>
    private static Ensemble ReadEnsemble(Ensemble ensemble, string file, Parameters p)
    {
        for (var j = 0; j < ensemble.Ids.Length; j++)
        {
            var id = ensemble.Ids[j];
            if (!UncertainInputs.TryParse(id, out var input))
            {
                throw new InputException(file, id, 1, $"'{id}' is not an uncertain input of the model; run `forecast calibrate`");
            }

            // Against the baseline's range: a scenario's own prior for the input replaces the ensemble's column anyway.
            var prior = p.BaselinePriors[(int)input];
            for (var k = 0; k < ensemble.Sets && !prior.IsFixed; k++)
            {
                var v = ensemble.Values[k][j];
                if (!(v >= prior.Lo && v <= prior.Hi))
                {
                    throw new InputException(file, id, k + 2, $"{Fmt(v)} is outside the input's range [{Fmt(prior.Lo)}, {Fmt(prior.Hi)}]");
                }
            }
        }

        return ensemble;
    }

    private static (double Lo, double Hi) Range(JsonObject assumption)
    {
        var range = assumption["range"]!.AsArray();
        return (Num(range[0]!), Num(range[1]!));
    }

    private static Prior ParsePrior(InputDocument doc, string field, JsonNode node, (double Lo, double Hi) range)
    {
        var (lo, hi) = range;
        Prior prior;
        if (node is JsonValue v && v.GetValue<string>() == "uniform")
        {
            prior = new Prior(PriorFamily.Uniform, 0, 0, lo, hi);
        }
        else
        {
            var (name, args) = node.AsObject().Single();
            prior = name switch
            {
                "normal" => new Prior(PriorFamily.Normal, Num(args![0]!), Num(args[1]!), lo, hi),
                "lognormal" => new Prior(PriorFamily.LogNormal, Num(args![0]!), Num(args[1]!), lo, hi),
                "logitnormal" => new Prior(PriorFamily.LogitNormal, Num(args![0]!), Num(args[1]!), lo, hi),
                _ => new Prior(PriorFamily.Triangular, Num(args!), 0, lo, hi),
            };
        }

        try
        {
            return prior.Validated();
        }
        catch (ArgumentException e)
        {
            throw new InputException(doc.Path, field, doc.LineOf(field), e.Message);
        }
    }

    private static void CheckPin(InputDocument scenario, string field, JsonObject assumption, JsonNode value)
    {
        var (lo, hi) = Range(assumption);
        var listBaseline = assumption["value"] is JsonArray baselineList ? baselineList : null;
        if ((listBaseline is not null) != value is JsonArray || (value is JsonArray va && va.Count != listBaseline!.Count))
        {
            throw new InputException(scenario.Path, field, scenario.LineOf(field), listBaseline is not null
                ? $"expected a list of {listBaseline.Count} numbers, like the baseline"
                : "expected a number");
        }

        var values = value is JsonArray arr ? arr.Select(x => Num(x!)) : [Num(value)];
        foreach (var v in values)
        {
            if (!(v >= lo && v <= hi))
            {
                throw new InputException(scenario.Path, field, scenario.LineOf(field),
                    $"value {Fmt(v)} is outside the assumption's range [{Fmt(lo)}, {Fmt(hi)}] ({assumption["unit"]})");
            }
        }
    }

    private static (double, double) Pair(double[] a) => (a[0], a[1]);

    private static InputException Missing(InputDocument doc, string field) =>
        new(doc.Path, field, null, "required entry is missing");

    internal static string Fmt(double v) => v.ToString("G", CultureInfo.InvariantCulture);

    /// <summary>A JSON number as double, whatever CLR type backs it.</summary>
    public static double Num(JsonNode node)
    {
        var v = node.AsValue();
        if (v.TryGetValue<double>(out var d))
        {
            return d;
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l;
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i;
        }

        if (v.TryGetValue<decimal>(out var m))
        {
            return (double)m;
        }

        throw new FormatException($"not a number: {node.ToJsonString()}");
    }
}
