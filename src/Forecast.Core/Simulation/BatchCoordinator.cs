using Forecast.Aggregation;
using Forecast.Model;
using Forecast.Random;
using MathNet.Numerics.Distributions;

namespace Forecast.Simulation;

/// <summary>
/// The district layer of one batch of trials. Before each year it draws the macro state and turns
/// levers and last year's totals into the coupled <see cref="YearContext"/> (reward budget, loans
/// per listed firm, incubator openings, entrants from last year's graduates); after the agents
/// have stepped it turns the merged metrics into indicator values per trial. <see cref="RunYears"/>
/// is the year loop of every engine: the local runner steps agents in this process, the coordinator
/// grain fans the step out to shards.
/// </summary>
public sealed class BatchCoordinator
{
    private readonly SimulationModel _model;
    private readonly Parameters _p;
    private readonly ulong _seed;
    private readonly int _first;
    private readonly int _n;
    private readonly double[][] _elasticity; // [lever][trial]
    private readonly double[] _trialShock;
    private readonly double[] _gdp, _otherRd, _restVa, _prevNewHte;
    private readonly long[] _prevHtInvest;
    private readonly int[] _listedPrev, _cumGraduates, _cumFounded, _cumOpened;
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
        Table = new TrialTable(model.FirstYear, model.Years, trials);
        _year = model.FirstYear - 1;
        var b = model.Population.Base;
        _elasticity = new double[_p.Levers.Length][];
        _effectiveLever = new double[_p.Levers.Length][];
        for (var l = 0; l < _p.Levers.Length; l++)
        {
            _elasticity[l] = new double[trials];
            _effectiveLever[l] = new double[trials];
        }

        _trialShock = new double[trials];
        _gdp = Fill(trials, b.Gdp);
        _otherRd = Fill(trials, b.OtherRd);
        _restVa = Fill(trials, b.RestIndustryVa);
        _prevNewHte = Fill(trials, _p.NewHte2020);
        _prevHtInvest = new long[trials];
        Array.Fill(_prevHtInvest, b.HtInvest);
        _listedPrev = new int[trials];
        Array.Fill(_listedPrev, b.ListedFirms);
        _cumGraduates = new int[trials];
        _cumFounded = new int[trials];
        _cumOpened = new int[trials];

        var (k0, k1) = Streams.Key(seed);
        for (var t = 0; t < trials; t++)
        {
            var trial = (uint)(firstTrial + t);
            Philox.Block(k0, k1, trial, Streams.Trial, 0, 0, out var r0, out _, out _, out _);
            _trialShock[t] = Normal.InvCDF(0, 1, Philox.ToUnit(r0));
            for (var l = 0; l < _p.Levers.Length; l++)
            {
                // Lever l's elasticity: stream 1 + l / 4, word l % 4.
                Philox.Block(k0, k1, trial, Streams.Trial, 0, 1 + ((uint)l / 4), out var a0, out var a1, out var a2, out var a3);
                var word = (l % 4) switch { 0 => a0, 1 => a1, 2 => a2, _ => a3 };
                var lever = _p.Levers[l];
                _elasticity[l][t] = lever.ElasticityLo + ((lever.ElasticityHi - lever.ElasticityLo) * Philox.ToUnit(word));
            }
        }
    }

    /// <summary>Indicator values of this batch's trials, filled year by year.</summary>
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
        var (k0, k1) = Streams.Key(_seed);
        var yearsOn = year - _p.StartYear;
        var slots = _model.Population.Incubators.Length;
        for (var t = 0; t < _n; t++)
        {
            Philox.Block(k0, k1, (uint)(_first + t), Streams.Macro, (uint)year, 0, out var r0, out var r1, out var r2, out var r3);
            var g = year == _p.CalibrationYear
                ? (_p.Gdp2021 / _p.Gdp2020) - 1 // the calibration year runs on the observed growth
                : _p.GdpGrowthMean + (_p.GdpGrowthTrialSd * _trialShock[t]) + (_p.GdpGrowthYearSd * Normal.InvCDF(0, 1, Philox.ToUnit(r0)));
            ctx.GdpGrowth[t] = g;
            ctx.ExitMultiplier[t] = Math.Max(0, 1 + (_p.ExitGdpSensitivity * (_p.GdpGrowthMean - g)));

            double apply = 1, pass = 1, listing = 1, rd = 1, invest = 1, inst = 1, births = 1, area = 1;
            for (var l = 0; l < _p.Levers.Length; l++)
            {
                var lever = _p.Levers[l];
                var v = _p.LeverValues[l];
                v = lever.Coupling switch
                {
                    Coupling.RewardBudget => Math.Min(v, _p.HteRewardBudget / Math.Max(1, _prevNewHte[t])),
                    Coupling.PerListedFirm => v * _model.Population.Base.ListedFirms / Math.Max(1, _listedPrev[t]),
                    _ => v,
                };
                _effectiveLever[l][t] = v;
                var m = lever.Baseline == 0 ? 1 : Math.Max(0, 1 + (_elasticity[l][t] * ((v / lever.Baseline) - 1)));
                switch (lever.Channel)
                {
                    case Channel.HteApply: apply *= m; break;
                    case Channel.HtePass: pass *= m; break;
                    case Channel.PtsmeListing: listing *= m; break;
                    case Channel.RdIntensity: rd *= m; break;
                    case Channel.Investment: invest *= m; break;
                    case Channel.RdInstitution: inst *= m; break;
                    case Channel.IncubatorBirths: births *= m; break;
                    case Channel.IncubatorNewArea: area *= m; break;
                }
            }

            ctx.HteApply[t] = apply;
            ctx.HtePass[t] = pass;
            ctx.PtsmeListing[t] = listing;
            ctx.RdInstitution[t] = inst;
            ctx.RdIntensity[t] = rd * Math.Pow(1 + _p.RdIntensityTrend, yearsOn);
            ctx.Investment[t] = invest * Math.Pow(1 + _p.InvestmentTrend, yearsOn)
                * Math.Exp(_p.InvestmentShockSd * Normal.InvCDF(0, 1, Philox.ToUnit(r1)));
            ctx.NewAreaMean[t] = BaselineOf(Channel.IncubatorNewArea) * area;

            var lambda = BaselineOf(Channel.IncubatorBirths) * births * _p.Calibrated.IncubatorBirthScale;
            _cumOpened[t] += Poisson(lambda, Philox.ToUnit(r2));
            var open = _p.Incubators2020 + _cumOpened[t];
            ctx.OpenIncubators[t] = Math.Min(open, slots);
            // Last year's graduates and last year's newly founded firms enter this year.
            ctx.ActiveEntrants[t] = _cumGraduates[t] + _cumFounded[t];
            _cumFounded[t] += Poisson(_p.NewFirmsPerYear, Philox.ToUnit(r3));
        }

        _context = ctx;
        return ctx;
    }

    /// <summary>Closes the year: derives every indicator per trial from the merged metrics.</summary>
    public void EndYear(PartialAggregate merged)
    {
        var ctx = _context ?? throw new InvalidOperationException("EndYear without BeginYear");
        if (merged.Trials != _n)
        {
            throw new ArgumentException($"expected a partial of {_n} trials, got {merged.Trials}", nameof(merged));
        }

        var y = _year;
        for (var t = 0; t < _n; t++)
        {
            var g = ctx.GdpGrowth[t];
            _gdp[t] *= 1 + g;
            _otherRd[t] *= 1 + g;
            _restVa[t] *= 1 + (_p.OtherIndustryBeta * g);

            long M(Metric m) => merged[m, t];
            var newHte = M(Metric.NewHte);
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
            Table.Set(Indicator.EagletStock, y, t, M(Metric.EagletStock));
            Table.Set(Indicator.CandidateStock, y, t, M(Metric.CandidateStock));
            Table.Set(Indicator.Births, y, t, M(Metric.Births));
            var gdpMillions = _gdp[t] * 1000;
            Table.Set(Indicator.RdGdp, y, t, 100 * (Fixed.ToMillionYuan(M(Metric.RdSpend)) + _otherRd[t]) / gdpMillions);
            Table.Set(Indicator.HtVaShare, y, t, 100 * Fixed.ToMillionYuan(M(Metric.HtVa)) / (Fixed.ToMillionYuan(M(Metric.AboveScaleVa)) + _restVa[t]));
            var invest = M(Metric.HtInvest);
            Table.Set(Indicator.HtInvestGrowth, y, t, 100 * (((double)invest / _prevHtInvest[t]) - 1));
            Table.Set(Indicator.Gdp, y, t, _gdp[t]);
            Table.Set(Indicator.PolicyCost, y, t, PolicyCost(merged, t));

            _prevHtInvest[t] = invest;
            _prevNewHte[t] = newHte;
            _listedPrev[t] = (int)M(Metric.ListedFirms);
            _cumGraduates[t] += (int)M(Metric.Graduates);
        }

        _context = null;
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
            var value = lever.CostTimesValue ? _effectiveLever[l][t] : 1;
            cost += lever.CostFactor * value * quantity;
        }

        return cost;
    }

    private double BaselineOf(Channel channel) => _p.Levers.First(l => l.Channel == channel).Baseline;

    private static int Poisson(double lambda, double u)
    {
        if (lambda <= 0)
        {
            return 0;
        }

        // Inversion: the smallest k with F(k) >= u. Exact enough for the lambdas used (< 200).
        var p = Math.Exp(-lambda);
        var f = p;
        var k = 0;
        while (u > f && k < 10_000)
        {
            k++;
            p *= lambda / k;
            f += p;
        }

        return k;
    }

    private static double[] Fill(int n, double v)
    {
        var a = new double[n];
        Array.Fill(a, v);
        return a;
    }
}
