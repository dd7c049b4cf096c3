using System.Globalization;
using System.Text.Json.Nodes;
using Forecast.Inputs;

namespace Forecast.Model;

/// <summary>
/// Turns validated input documents into <see cref="Parameters"/>: baseline, then calibration,
/// then the scenario overlay (levers, assumptions, target thresholds), with semantic checks that
/// a schema cannot make (unknown lever, value outside its range), each naming file, field and line.
/// </summary>
public static class ParametersLoader
{
    public static Parameters Load(ModelInputs inputs)
    {
        var baseline = YamlInput.Parse(inputs.BaselineYaml, inputs.BaselineName, "baseline");
        var targets = YamlInput.Parse(inputs.TargetsYaml, inputs.TargetsName, "targets");
        var scenario = YamlInput.Parse(inputs.ScenarioYaml, inputs.ScenarioName, "scenario");
        var calibration = inputs.CalibrationYaml is null
            ? null
            : YamlInput.Parse(inputs.CalibrationYaml, inputs.CalibrationName!, "calibration");
        return Build(baseline, targets, calibration, scenario);
    }

    private static Parameters Build(InputDocument baseline, InputDocument targetsDoc, InputDocument? calibration, InputDocument scenario)
    {
        var root = baseline.Root;
        var facts = root["facts"]!.AsObject();
        var assumptions = (JsonObject)root["assumptions"]!.DeepClone();
        var overlay = scenario.Root["assumptions"] as JsonObject;
        if (overlay is not null)
        {
            foreach (var (id, value) in overlay)
            {
                var field = $"assumptions.{id}";
                if (assumptions[id] is not JsonObject a)
                {
                    throw new InputException(scenario.Path, field, scenario.LineOf(field),
                        $"unknown assumption '{id}'; see seeds/baseline.yaml for the {assumptions.Count} assumptions");
                }

                CheckAssumptionOverride(scenario, field, a, value!);
                a["value"] = value!.DeepClone();
            }
        }

        double F(string id) => Num(facts[id]?["value"] ?? throw Missing(baseline, $"facts.{id}"));
        JsonNode AV(string id) => assumptions[id]?["value"] ?? throw Missing(baseline, $"assumptions.{id}");
        double A(string id) => Num(AV(id));
        double[] Arr(string id, int n)
        {
            var node = AV(id) as JsonArray;
            if (node is null || node.Count != n)
            {
                throw new InputException(baseline.Path, $"assumptions.{id}.value", baseline.LineOf($"assumptions.{id}.value"),
                    $"expected a list of {n} numbers");
            }

            return node.Select(x => Num(x!)).ToArray();
        }

        var p = new Parameters
        {
            ScenarioName = scenario.Root["name"]?.GetValue<string>() ?? Path.GetFileNameWithoutExtension(scenario.Path),
            StartYear = (int)Num(root["start-year"]!),
            CalibrationYear = (int)Num(root["calibration-year"]!),
            LastYear = (int)Num(root["last-year"]!),
            PopulationSeed = (ulong)Num(root["population-seed"]!),
            HteStock2020 = (int)A("hte-stock-2020"),
            PtsmeStock2020 = (int)A("ptsme-stock-2020"),
            EagletStock2020 = (int)A("eaglet-stock-2020"),
            CandidateStock2020 = (int)A("candidate-stock-2020"),
            EntrantPool = (int)A("entrant-pool"),
            NewFirmsPerYear = A("new-firms-per-year"),
            IncubatorSlots = (int)A("incubator-slots"),
            Incubators2020 = (int)A("incubators-2020"),
            NationalIncubators2020 = (int)A("national-incubators-2020"),
            ProvincialIncubators2020 = (int)A("provincial-incubators-2020"),
            IncubatorArea2020 = A("incubator-area-2020"),
            RevenueMedian = [A("revenue-median-candidate"), A("revenue-median-eaglet"), A("revenue-median-ptsme"), A("revenue-median-hte")],
            RevenueSigma = A("revenue-sigma"),
            HighTechShareHte = A("high-tech-industry-share-hte"),
            HighTechShareOther = A("high-tech-industry-share-other"),
            FirmAgeMax = A("firm-age-max"),
            InstitutionMixHte = Arr("rd-institution-mix-hte", 5),
            InstitutionMixPtsme = Arr("rd-institution-mix-ptsme", 5),
            EnterpriseShareOfRd = A("enterprise-share-of-rd"),
            HtVaShare2020 = A("ht-va-share-2020"),
            Gdp2020 = F("gdp-2020"),
            Gdp2021 = F("gdp-2021"),
            RdGdp2020 = F("rd-gdp-2020"),
            GdpGrowthMean = A("gdp-growth-mean"),
            GdpGrowthTrialSd = A("gdp-growth-trial-sd"),
            GdpGrowthYearSd = A("gdp-growth-year-sd"),
            OtherIndustryBeta = A("other-industry-growth-beta"),
            FirmGrowthBeta = A("firm-growth-beta"),
            FirmGrowthSd = A("firm-growth-sd"),
            HteGrowthPremium = A("hte-growth-premium"),
            RdIntensityTrend = A("rd-intensity-trend"),
            InvestmentTrend = A("investment-trend"),
            InvestmentShockSd = A("investment-shock-sd"),
            ExitGdpSensitivity = A("exit-gdp-sensitivity"),
            AboveScaleRevenue = F("above-scale-revenue"),
            SmeMaxRevenue = F("sme-max-revenue"),
            EagletMaxAge = F("eaglet-max-age"),
            EagletMaxRevenue = F("eaglet-max-revenue"),
            CertificateYears = (int)F("hte-certificate-years"),
            RdThresholdSmall = F("hte-rd-threshold-small"),
            RdThresholdMedium = F("hte-rd-threshold-medium"),
            RdThresholdLarge = F("hte-rd-threshold-large"),
            MediumRevenue = F("hte-medium-revenue"),
            LargeRevenue = F("hte-large-revenue"),
            ExitRate = [A("exit-rate-candidate"), A("exit-rate-eaglet"), A("exit-rate-ptsme"), A("exit-rate-hte")],
            HteApply = [A("hte-apply-candidate"), A("hte-apply-eaglet"), A("hte-apply-ptsme"), 0],
            HtePassRate = A("hte-pass-rate"),
            HtePassIneligible = A("hte-pass-ineligible"),
            HteRenewalLoss = A("hte-renewal-loss"),
            PtsmeListingCandidate = A("ptsme-listing-candidate"),
            PtsmeListingEaglet = A("ptsme-listing-eaglet"),
            EagletListingYoung = A("eaglet-listing-young"),
            InstitutionUpgrade = Arr("rd-institution-upgrade", 4),
            InstitutionHteFactor = A("rd-institution-hte-factor"),
            QualitySpread = A("quality-spread"),
            M2PerTenant = A("incubator-m2-per-tenant"),
            GraduationRate = [0, A("graduation-rate-municipal"), A("graduation-rate-provincial"), A("graduation-rate-national")],
            IncubatorUpgradeRate = A("incubator-upgrade-rate"),
            IncubatorAreaSd = A("incubator-area-sd"),
            NewIncubatorProvincialShare = A("new-incubator-provincial-share"),
            NewHte2020 = A("new-hte-2020"),
            HteRewardBudget = A("hte-reward-budget"),
        };

        foreach (var (id, fact) in facts)
        {
            p.Facts[id] = Num(fact!["value"]!);
        }

        var rdPairs = new[] { "rd-intensity-candidate", "rd-intensity-eaglet", "rd-intensity-ptsme", "rd-intensity-hte" };
        for (var i = 0; i < 4; i++)
        {
            var pair = Arr(rdPairs[i], 2);
            (p.RdIntensityLo[i], p.RdIntensityHi[i]) = (pair[0], pair[1]);
        }

        (p.VaRatioLo, p.VaRatioHi) = Pair(Arr("value-added-ratio", 2));
        (p.InvestRatioLo, p.InvestRatioHi) = Pair(Arr("investment-ratio", 2));

        if (calibration is not null)
        {
            p.Calibrated = ReadCalibration(calibration);
        }

        ReadLevers(p, baseline, scenario);
        ReadTargets(p, targetsDoc, scenario);
        return p;
    }

    private static (double, double) Pair(double[] a) => (a[0], a[1]);

    private static CalibratedValues ReadCalibration(InputDocument doc)
    {
        var parameters = doc.Root["parameters"]!.AsObject();
        var values = new double[CalibratedValues.Ids.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var id = CalibratedValues.Ids[i];
            values[i] = parameters[id]?["value"] is { } v
                ? Num(v)
                : throw new InputException(doc.Path, $"parameters.{id}", doc.LineOf("parameters"),
                    $"missing calibrated parameter; run `forecast calibrate` (needs: {string.Join(", ", CalibratedValues.Ids)})");
        }

        return CalibratedValues.From(values);
    }

    private static void ReadLevers(Parameters p, InputDocument baseline, InputDocument scenario)
    {
        var levers = baseline.Root["levers"]!.AsObject();
        var defs = new List<LeverDefinition>();
        foreach (var (id, node) in levers)
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

        p.Levers = defs.ToArray();
        p.LeverValues = defs.Select(d => d.Baseline).ToArray();
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
            var v = Num(value!);
            if (!(v >= d.Min && v <= d.Max))
            {
                throw new InputException(scenario.Path, field, scenario.LineOf(field),
                    $"value {Fmt(v)} is outside the allowed range [{Fmt(d.Min)}, {Fmt(d.Max)}] ({d.Unit})");
            }

            p.LeverValues[index] = v;
        }
    }

    private static void ReadTargets(Parameters p, InputDocument doc, InputDocument scenario)
    {
        var list = new List<TargetDefinition>();
        var nodes = doc.Root["targets"]!.AsArray();
        var times = new Dictionary<string, double>(StringComparer.Ordinal);
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

            // A threshold relative to the start-year stock is resolved against the population (NaN until then).
            var threshold = t["at-least"] is { } a ? Num(a) : double.NaN;
            if (t["at-least-times-2020"] is { } f)
            {
                times[id] = Num(f);
            }

            list.Add(new TargetDefinition(id, indicator, year, threshold, t["source"]!.GetValue<string>()));
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
                times.Remove(id);
            }
        }

        p.Targets = list.ToArray();
        p.TargetFactors = times; // ids whose threshold is factor x the start-year stock
    }

    private static void CheckAssumptionOverride(InputDocument scenario, string field, JsonObject assumption, JsonNode value)
    {
        var range = assumption["range"]!.AsArray();
        double lo = Num(range[0]!), hi = Num(range[1]!);
        var isList = assumption["value"] is JsonArray;
        if (isList != value is JsonArray || (value is JsonArray va && va.Count != ((JsonArray)assumption["value"]!).Count))
        {
            throw new InputException(scenario.Path, field, scenario.LineOf(field), isList
                ? $"expected a list of {((JsonArray)assumption["value"]!).Count} numbers, like the baseline"
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
