using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;
using MathNet.Numerics.Distributions;

namespace Forecast.Simulation;

/// <summary>A run that outgrew a capacity of the model (entrant or incubator slots): the assumption to raise, never a silent cap.</summary>
public sealed class ModelCapacityException(string message) : Exception(message);

/// <summary>
/// The district layer of one batch of trials. Each trial is one world: its uncertain inputs
/// (<see cref="TrialWorld"/>) are drawn once. Before each year it draws the year's common shocks
/// (nominal GDP growth with a fat lower tail, recognition and listing cycles, the top-down
/// components) and turns world, shocks, levers (from the year after calibration; the calibration
/// year runs on observed policy) and last year's totals into the per-trial rates agents read
/// (<see cref="YearContext"/>). After the agents have stepped it turns the merged metrics into
/// indicators: the synthetic firms bottom-up, plus the district beyond them (its large firms and
/// public R&D) top-down, each with a stochastic trend sized from history.
/// <see cref="RunYears"/> is the year loop of every engine.
/// </summary>
public sealed class BatchCoordinator
{
    private readonly SimulationModel _model;
    private readonly Parameters _p;
    private readonly ulong _seed;
    private readonly int _first;
    private readonly int _n;
    private readonly TrialWorld _world;
    private readonly double[] _gdp, _growth, _zRd, _zShare, _zInvest;
    private readonly double[] _rdRest, _vaRest, _shareRestLogit, _investRest, _investPrev, _rdScale;
    private readonly double[] _baseHte, _basePtsme, _prevNewHte, _listed0, _listedPrev;
    private readonly int[] _cumGraduates, _cumFounded, _cumOpened;
    private readonly double[][] _effectiveLever; // this year's value after coupling, [lever][trial]
    private int _year;
    private YearContext? _context;

    public BatchCoordinator(SimulationModel model, ulong seed, int firstTrial, int trials)
    {
        _model = model;
        _p = model.Parameters;
        _seed = seed;
        _first = firstTrial;
        _n = trials;
        _year = model.FirstYear - 1;
        _world = TrialWorld.Draw(model, seed, firstTrial, trials);
        Table = model.NewTable(trials);
        for (var i = 0; i < model.InputIds.Length; i++)
        {
            _world.Values.AsSpan(i * trials, trials).CopyTo(Table.Input(i));
        }

        double[] New() => new double[trials];
        (_gdp, _growth, _zRd, _zShare, _zInvest) = (New(), New(), New(), New(), New());
        (_rdRest, _vaRest, _shareRestLogit, _investRest, _investPrev) = (New(), New(), New(), New(), New());
        _rdScale = New();
        (_baseHte, _basePtsme, _prevNewHte, _listed0, _listedPrev) = (New(), New(), New(), New(), New());
        Array.Fill(_gdp, _p.Gdp2020);
        _cumGraduates = new int[trials];
        _cumFounded = new int[trials];
        _cumOpened = new int[trials];
        _effectiveLever = _p.Levers.Select(_ => New()).ToArray();
        for (var t = 0; t < trials; t++)
        {
            _listed0[t] = Stock(UncertainInput.HteStock2020, t) + Stock(UncertainInput.PtsmeStock2020, t);
            _listedPrev[t] = _listed0[t];
        }
    }

    /// <summary>Indicator values (and recorded inputs) of this batch's trials, filled year by year.</summary>
    public TrialTable Table { get; }

    public int FirstTrial => _first;

    public int Trials => _n;

    /// <summary>
    /// Runs the batch's years from the calibration year to <paramref name="lastYear"/>: each year's
    /// district state, then <paramref name="stepAgents"/> (every agent's step, merged into one partial
    /// of this batch's trials), then the year's indicators. Reports the fraction of years done.
    /// </summary>
    public async ValueTask<TrialTable> RunYears(int lastYear, Func<YearContext, ValueTask<PartialAggregate>> stepAgents,
        IProgress<double>? progress = null, CancellationToken cancellation = default)
    {
        var firstYear = _model.FirstYear;
        for (var year = firstYear; year <= lastYear; year++)
        {
            cancellation.ThrowIfCancellationRequested();
            EndYear(await stepAgents(BeginYear(year)));
            progress?.Report((year - firstYear + 1.0) / (lastYear - firstYear + 1));
        }

        return Table;
    }

    public YearContext BeginYear(int year)
    {
        if (year != _year + 1 || _context is not null)
        {
            throw new InvalidOperationException($"years must run in order: expected {_year + 1}, got {year}");
        }

        _year = year;
        var ctx = YearContext.Allocate(_seed, year, _first, _n);
        var calibrationYear = year == _p.CalibrationYear;
        var (k0, k1) = Streams.Key(_seed);
        var w = _world;
        var yearsOn = year - _p.StartYear;
        var recordAt = year - _p.CalibrationYear - 1; // recorded yearly inputs, from the first forecast year
        var forecastYears = _p.LastYear - _p.CalibrationYear;
        for (var t = 0; t < _n; t++)
        {
            var trial = (uint)(_first + t);
            double g, zRec, zList;
            if (calibrationYear)
            {
                g = w[UncertainInput.GdpGrowth2021, t];
                zRec = w[UncertainInput.RecognitionShock2021, t];
                zList = w[UncertainInput.ListingShock2021, t];
                Philox.Block(k0, k1, trial, Streams.Shocks, (uint)year, 1, out var a0, out var a1, out var a2, out _);
                (_zRd[t], _zShare[t], _zInvest[t]) = (Z(a0), Z(a1), Z(a2));
            }
            else
            {
                Philox.Block(k0, k1, trial, Streams.Shocks, (uint)year, 0, out var r0, out var r1, out var r2, out var r3);
                Philox.Block(k0, k1, trial, Streams.Shocks, (uint)year, 1, out var a0, out var a1, out var a2, out var a3);
                var downturn = Philox.ToUnit(r1) < w[UncertainInput.DownturnProbability, t]
                    ? w[UncertainInput.DownturnDepth, t] * -Math.Log(Philox.ToUnit(r2)) // exponential depth, mean downturn-depth
                    : 0;
                // In log terms, so a deep downturn still leaves GDP positive.
                g = Math.Exp(Math.Log(1 + w[UncertainInput.GdpGrowthMean, t]) + (w[UncertainInput.GdpGrowthYearSd, t] * Z(r0)) - downturn) - 1;
                (zRec, zList) = (Z(r3), Z(a3));
                (_zRd[t], _zShare[t], _zInvest[t]) = (Z(a0), Z(a1), Z(a2));
                Table.Input(_model.InputIds.Length + recordAt)[t] = g;
                Table.Input(_model.InputIds.Length + forecastYears + recordAt)[t] = zRec;
                Table.Input(_model.InputIds.Length + (2 * forecastYears) + recordAt)[t] = zList;
            }

            _growth[t] = g;
            var effects = LeverMultipliers(t, calibrationYear);
            var recognition = Shock(w[UncertainInput.RecognitionShockSd, t], zRec);
            var listing = Shock(w[UncertainInput.ListingShockSd, t], zList);

            Set(ctx, Rate.FirmGrowth, t, w[UncertainInput.FirmGrowthBeta, t] * g);
            Set(ctx, Rate.HtePremium, t, w[UncertainInput.HteGrowthPremium, t]);
            Set(ctx, Rate.FirmNoise, t, w[UncertainInput.FirmGrowthSd, t] * Math.Sqrt(3)); // uniform on [-a, a] has sd a / sqrt(3)
            Set(ctx, Rate.Exit, t, w[UncertainInput.ExitLevel, t] * Math.Exp(w[UncertainInput.ExitGdpSensitivity, t] * (_p.ReferenceGrowth - g)));
            Set(ctx, Rate.ExitSizeSlope, t, w[UncertainInput.ExitSizeSlope, t]);
            Set(ctx, Rate.HteApply, t, w[UncertainInput.HteApplyLevel, t] * recognition * effects[(int)Channel.HteApply]);
            Set(ctx, Rate.HtePass, t, w[UncertainInput.HtePassRate, t] * effects[(int)Channel.HtePass]);
            Set(ctx, Rate.PassIneligible, t, w[UncertainInput.HtePassIneligible, t]);
            Set(ctx, Rate.RenewalKeep, t, 1 - w[UncertainInput.HteRenewalLoss, t]);
            Set(ctx, Rate.PtsmeListing, t, w[UncertainInput.PtsmeListingLevel, t] * listing * effects[(int)Channel.PtsmeListing]);
            Set(ctx, Rate.EagletListing, t, _p.EagletListingYoung * w[UncertainInput.EagletListingLevel, t] * listing);
            Set(ctx, Rate.Revocation, t, w[UncertainInput.PtsmeRevocationRate, t]);
            Set(ctx, Rate.RdIntensity, t, w[UncertainInput.RdIntensityLevel, t] * Math.Pow(1 + w[UncertainInput.FirmRdTrend, t], yearsOn)
                * effects[(int)Channel.RdIntensity]);
            Set(ctx, Rate.RdLevel, t, w[UncertainInput.RdIntensityLevel, t]);
            Set(ctx, Rate.Investment, t, effects[(int)Channel.Investment]);
            Set(ctx, Rate.RdInstitution, t, w[UncertainInput.RdInstitutionLevel, t] * effects[(int)Channel.RdInstitution]);
            Set(ctx, Rate.MunicipalFounding, t, w[UncertainInput.MunicipalCentreLevel, t] * effects[(int)Channel.RdInstitution]);
            Set(ctx, Rate.HteInstitutionFactor, t, w[UncertainInput.RdInstitutionHteFactor, t]);
            Set(ctx, Rate.QualitySpread, t, w[UncertainInput.QualitySpread, t]);
            Set(ctx, Rate.RevenueLevel, t, w[UncertainInput.RevenueLevel, t]);
            Set(ctx, Rate.NewAreaMean, t, BaselineOf(Channel.IncubatorNewArea) * effects[(int)Channel.IncubatorNewArea]);
            Set(ctx, Rate.IncubatorExpansion, t, w[UncertainInput.IncubatorExpansionRate, t]);
            Set(ctx, Rate.GraduationLevel, t, w[UncertainInput.GraduationLevel, t]);
            Set(ctx, Rate.IncubatorUpgrade, t, w[UncertainInput.IncubatorUpgradeRate, t]);
            Set(ctx, Rate.M2PerTenant, t, w[UncertainInput.IncubatorM2PerTenant, t]);
            Set(ctx, Rate.NewAreaNoise, t, w[UncertainInput.IncubatorAreaSd, t] * Math.Sqrt(3));
            Set(ctx, Rate.ProvincialShare, t, w[UncertainInput.NewIncubatorProvincialShare, t]);
            Set(ctx, Rate.IncubatorAreaLevel, t, w[UncertainInput.IncubatorArea2020, t]);

            // Openings and entrants: Poisson counts, each on its own keyed stream.
            var openings = new KeyedUniforms(_seed, trial, Streams.Counts, (uint)(year * 4));
            var founding = new KeyedUniforms(_seed, trial, Streams.Counts, (uint)((year * 4) + 1));
            var lambda = BaselineOf(Channel.IncubatorBirths) * w[UncertainInput.IncubatorBirthLevel, t] * effects[(int)Channel.IncubatorBirths];
            _cumOpened[t] += (int)Samplers.Poisson(lambda, ref openings);
            var open = _p.Incubators2020 + _cumOpened[t];
            if (open > _p.IncubatorSlots)
            {
                throw new ModelCapacityException($"trial {trial} opens {open} incubators by {year}, more than assumptions.incubator-slots ({_p.IncubatorSlots}); raise it");
            }

            // Graduates of last year and the firms founded this year enter this year.
            _cumFounded[t] += (int)Samplers.Poisson(w[UncertainInput.NewFirmsPerYear, t], ref founding);
            var entrants = _cumGraduates[t] + _cumFounded[t];
            if (entrants > _p.EntrantSlots)
            {
                throw new ModelCapacityException($"trial {trial} needs {entrants} entrant slots by {year}, more than assumptions.entrant-slots ({_p.EntrantSlots}); raise it");
            }

            ctx[TrialCount.OpenIncubators][t] = open;
            ctx[TrialCount.ActiveEntrants][t] = entrants;
            ctx[TrialCount.InitialHte][t] = Stock(UncertainInput.HteStock2020, t);
            ctx[TrialCount.InitialPtsme][t] = Stock(UncertainInput.PtsmeStock2020, t);
            ctx[TrialCount.InitialEaglet][t] = Stock(UncertainInput.EagletStock2020, t);
            ctx[TrialCount.InitialCandidate][t] = Stock(UncertainInput.CandidateStock2020, t);
        }

        _context = ctx;
        return ctx;
    }

    /// <summary>Closes the year: the district beyond the synthetic firms moves on, and every indicator is derived per trial.</summary>
    public void EndYear(PartialAggregate merged)
    {
        if (_context is null)
        {
            throw new InvalidOperationException("EndYear without BeginYear");
        }

        if (merged.Trials != _n)
        {
            throw new ArgumentException($"expected a partial of {_n} trials, got {merged.Trials}", nameof(merged));
        }

        var y = _year;
        var calibrationYear = y == _p.CalibrationYear;
        var w = _world;
        var reference = _p.ReferenceGrowth;
        for (var t = 0; t < _n; t++)
        {
            long M(Metric m) => merged[m, t];
            double Money(Metric m) => Fixed.ToMillionYuan(merged[m, t]);
            if (calibrationYear)
            {
                StartTopDown(t, merged);
            }

            var g = _growth[t];
            _gdp[t] *= 1 + g;
            // Log-linear trends: a response to GDP away from the reference growth, and yearly noise.
            _rdRest[t] *= Math.Exp(Math.Log(1 + w[UncertainInput.RdGrowthMean, t]) + (w[UncertainInput.RdGdpResponse, t] * (g - reference))
                + (w[UncertainInput.RdGrowthYearSd, t] * _zRd[t]));
            _vaRest[t] *= Math.Exp(w[UncertainInput.IndustryGrowthBeta, t] * Math.Log(1 + g));
            _shareRestLogit[t] += w[UncertainInput.HtShareDrift, t] + (w[UncertainInput.HtShareYearSd, t] * _zShare[t]);
            var invest = Money(Metric.HtInvest);
            double investTotal;
            if (calibrationYear && _p.HtInvestGrowth2021 is { } observed)
            {
                // 2021's high-tech investment growth is observed: the district beyond the firms takes up the rest.
                investTotal = _investPrev[t] * (1 + (observed / 100));
                _investRest[t] = investTotal - invest;
                if (_investRest[t] <= 0)
                {
                    throw new InvalidOperationException($"trial {_first + t}: the synthetic firms' 2021 high-tech investment alone exceeds the observed growth; narrow ht-invest-coverage");
                }
            }
            else
            {
                if (calibrationYear)
                {
                    _investRest[t] = _investPrev[t] - Money(Metric.BaseHtInvest); // 2021 not observed (a backtest): it follows the trend too
                }

                _investRest[t] *= Math.Exp(Math.Log(1 + w[UncertainInput.HtInvestGrowthMean, t])
                    + (w[UncertainInput.HtInvestGdpResponse, t] * (g - reference)) + (w[UncertainInput.HtInvestYearSd, t] * _zInvest[t]));
                investTotal = invest + _investRest[t];
            }

            var newHte = M(Metric.NewHte);
            var shareRest = 1 / (1 + Math.Exp(-_shareRestLogit[t]));
            Table.Set(Indicator.NewHte, y, t, newHte);
            Table.Set(Indicator.NewPtsme, y, t, M(Metric.NewPtsme));
            Table.Set(Indicator.NewEaglet, y, t, M(Metric.NewEaglet));
            Table.Set(Indicator.NewRdInst, y, t, M(Metric.NewRdInst));
            Table.Set(Indicator.NewMunicipalRdCentres, y, t, M(Metric.NewMunicipalRdCentres));
            Table.Set(Indicator.NewIncubators, y, t, M(Metric.NewIncubators));
            Table.Set(Indicator.IncubatorCount, y, t, M(Metric.IncubatorCount));
            Table.Set(Indicator.IncubatorArea, y, t, M(Metric.IncubatorArea));
            Table.Set(Indicator.HteStock, y, t, M(Metric.HteStock));
            Table.Set(Indicator.PtsmeStock, y, t, M(Metric.PtsmeStock));
            Table.Set(Indicator.HteStockMultiple, y, t, M(Metric.HteStock) / _baseHte[t]);
            Table.Set(Indicator.PtsmeStockMultiple, y, t, M(Metric.PtsmeStock) / _basePtsme[t]);
            Table.Set(Indicator.EagletStock, y, t, M(Metric.EagletStock));
            Table.Set(Indicator.CandidateStock, y, t, M(Metric.CandidateStock));
            Table.Set(Indicator.Births, y, t, M(Metric.Births));
            Table.Set(Indicator.PtsmeRevoked, y, t, M(Metric.PtsmeRevoked));
            Table.Set(Indicator.RdGdp, y, t, 100 * ((_rdScale[t] * Money(Metric.RdSpend)) + _rdRest[t]) / (_gdp[t] * 1000));
            Table.Set(Indicator.HtVaShare, y, t,
                100 * (Money(Metric.HtVa) + (shareRest * _vaRest[t])) / (Money(Metric.AboveScaleVa) + _vaRest[t]));
            Table.Set(Indicator.HtInvestGrowth, y, t, 100 * ((investTotal / _investPrev[t]) - 1));
            Table.Set(Indicator.Gdp, y, t, _gdp[t]);
            Table.Set(Indicator.PolicyCost, y, t, PolicyCost(merged, t));

            _investPrev[t] = investTotal;
            _prevNewHte[t] = newHte;
            _listedPrev[t] = M(Metric.ListedFirms);
            _cumGraduates[t] += (int)M(Metric.Graduates);
        }

        _context = null;
    }

    /// <summary>
    /// The district beyond the synthetic firms at the end of the start year, from the firms' own start
    /// (the base metrics of the first year) and the trial's coverages: the synthetic firms stand for
    /// their share of the district's R&D (R&D/GDP is the 2020 fact), of above-scale value added and of
    /// high-tech investment, and the rest (large firms, public R&D) moves top-down. The firms' sums
    /// are scaled to their share (statistical R&D is not the R&D the HTE rules count), so their changes
    /// (levers, recognitions) move the district totals in proportion.
    /// </summary>
    private void StartTopDown(int t, PartialAggregate merged)
    {
        double Money(Metric m) => Fixed.ToMillionYuan(merged[m, t]);
        var w = _world;
        _baseHte[t] = merged[Metric.BaseHteStock, t];
        _basePtsme[t] = merged[Metric.BasePtsmeStock, t];
        var rd = Money(Metric.BaseRdSpend);
        var va = Money(Metric.BaseAboveScaleVa);
        if (rd <= 0 || va <= 0 || _baseHte[t] <= 0 || _basePtsme[t] <= 0)
        {
            throw new InvalidOperationException($"trial {_first + t}: the synthetic firms start with no R&D, no above-scale value added or an empty stock");
        }

        var totalRd = _p.RdGdp2020 / 100 * _p.Gdp2020 * 1000;
        var rdCoverage = w[UncertainInput.RdCoverage, t];
        _rdScale[t] = rdCoverage * totalRd / rd;
        _rdRest[t] = (1 - rdCoverage) * totalRd;
        var vaCoverage = w[UncertainInput.VaCoverage, t];
        _vaRest[t] = va * (1 - vaCoverage) / vaCoverage; // the share needs the ratio only

        var share = w[UncertainInput.HtShareRest2020, t];
        _shareRestLogit[t] = Math.Log(share / (1 - share));
        var coverage = w[UncertainInput.HtInvestCoverage, t];
        var baseInvest = Money(Metric.BaseHtInvest);
        _investPrev[t] = baseInvest / coverage;
    }

    /// <summary>Each channel's multiplier for trial t: 1 in the calibration year (observed policy), else the levers' effects after their couplings.</summary>
    private double[] LeverMultipliers(int t, bool calibrationYear)
    {
        var effects = new double[Channels.Count];
        Array.Fill(effects, 1.0);
        for (var l = 0; l < _p.Levers.Length; l++)
        {
            var lever = _p.Levers[l];
            var v = calibrationYear ? lever.Baseline : _p.LeverValueIn(l, _year);
            var effective = lever.Coupling switch
            {
                // The budget scales with the reward the policy sets, so a higher reward never pays less per firm.
                Coupling.RewardBudget => Math.Min(v, _p.HteRewardBudget * (lever.Baseline == 0 ? 1 : v / lever.Baseline) / Math.Max(1, _prevNewHte[t])),
                Coupling.PerListedFirm => v * _listed0[t] / Math.Max(1, _listedPrev[t]),
                _ => v,
            };
            _effectiveLever[l][t] = effective;
            if (!calibrationYear && lever.Baseline != 0)
            {
                effects[(int)lever.Channel] *= LeverEffects.Multiplier(_world.Elasticity(l)[t], effective / lever.Baseline);
            }
        }

        return effects;
    }

    private double PolicyCost(PartialAggregate merged, int t)
    {
        double cost = 0;
        for (var l = 0; l < _p.Levers.Length; l++)
        {
            var lever = _p.Levers[l];
            double quantity = lever.CostBase switch
            {
                CostBase.One => 1,
                CostBase.NewHte => merged[Metric.NewHte, t],
                CostBase.EnterpriseRd => Fixed.ToMillionYuan(merged[Metric.RdSpend, t]),
                CostBase.NewIncubators => merged[Metric.NewIncubators, t],
                CostBase.NewIncubatorArea => merged[Metric.NewIncubatorArea, t],
                CostBase.PipelineFirms => merged[Metric.CandidateStock, t] + merged[Metric.EagletStock, t] + merged[Metric.PtsmeStock, t],
                _ => 0,
            };

            // A volume shared by listed firms costs what is lent, however thinly it is spread.
            var value = !lever.CostTimesValue ? 1
                : lever.Coupling == Coupling.PerListedFirm ? (_year == _p.CalibrationYear ? lever.Baseline : _p.LeverValueIn(l, _year))
                : _effectiveLever[l][t];
            cost += lever.CostFactor * value * quantity;
        }

        return cost;
    }

    private int Stock(UncertainInput stock, int t) => (int)Math.Round(_world[stock, t]);

    private double BaselineOf(Channel channel) => _p.Levers.First(l => l.Channel == channel).Baseline;

    /// <summary>A mean-one lognormal multiplier: exp(sd z - sd^2 / 2).</summary>
    private static double Shock(double sd, double z) => Math.Exp((sd * z) - (sd * sd / 2));

    private static double Z(uint word) => Normal.InvCDF(0, 1, Philox.ToUnit(word));

    private static void Set(YearContext ctx, Rate rate, int t, double value) => ctx.Rates[((int)rate * ctx.Trials) + t] = value;
}
