using System.Globalization;
using System.Text;
using Forecast.Inputs;
using Sylvan.Data.Csv;

namespace Forecast.Model;

/// <summary>
/// A weighted ensemble of parameter sets (the calibrated posterior): set k gives input
/// <see cref="Ids"/>[j] the value <see cref="Values"/>[k][j], with weight <see cref="Weights"/>[k].
/// A trial takes one set, chosen by its own keyed uniform in proportion to the weights; inputs the
/// ensemble does not name come from their priors.
/// </summary>
public sealed class Ensemble
{
    private readonly double[] _cumulative;

    public Ensemble(IReadOnlyList<string> ids, IReadOnlyList<double> weights, IReadOnlyList<double[]> values)
    {
        if (weights.Count == 0 || weights.Count != values.Count || values.Any(v => v.Length != ids.Count))
        {
            throw new ArgumentException("an ensemble needs at least one set, a weight per set and a value per input");
        }

        if (weights.Any(w => !(w >= 0 && double.IsFinite(w))) || !(weights.Sum() > 0) || values.Any(v => v.Any(x => !double.IsFinite(x))))
        {
            throw new ArgumentException("ensemble weights must be non-negative with a positive sum, and every value finite");
        }

        Ids = ids.ToArray();
        Weights = weights.ToArray();
        Values = values.ToArray();
        _cumulative = new double[Weights.Length];
        var sum = 0.0;
        for (var k = 0; k < Weights.Length; k++)
        {
            sum += Weights[k];
            _cumulative[k] = sum;
        }
    }

    public string[] Ids { get; }

    public double[] Weights { get; }

    public double[][] Values { get; }

    public int Sets => Weights.Length;

    /// <summary>Kish's effective sample size, (sum w)^2 / sum w^2.</summary>
    public double EffectiveSampleSize => Math.Pow(Weights.Sum(), 2) / Weights.Sum(w => w * w);

    /// <summary>The set whose share of the total weight covers <paramref name="u"/> in (0, 1).</summary>
    public int Pick(double u)
    {
        var target = u * _cumulative[^1];
        var k = Array.BinarySearch(_cumulative, target);
        return Math.Min(k < 0 ? ~k : k, Sets - 1);
    }

    public const string WeightColumn = "weight";

    /// <summary>Reads "weight,id1,id2,..." rows (Sylvan.Data.Csv); every problem names the file, line and column.</summary>
    public static Ensemble Parse(string csv, string file)
    {
        if (string.IsNullOrWhiteSpace(csv))
        {
            throw new InputException(file, null, 1, "is empty; expected a header 'weight,<input id>,...' and one row per parameter set (run `forecast calibrate`)");
        }

        CsvDataReader reader;
        try
        {
            reader = CsvDataReader.Create(new StringReader(csv));
        }
        catch (Exception e) when (e is CsvFormatException or InvalidOperationException or ArgumentException)
        {
            throw new InputException(file, null, 1, $"not a CSV file with a header ({e.Message})");
        }

        using var _ = reader;
        if (reader.FieldCount < 1 || reader.GetName(0) != WeightColumn)
        {
            throw new InputException(file, null, 1, "expected a header 'weight,<input id>,...'");
        }

        var ids = Enumerable.Range(1, reader.FieldCount - 1).Select(reader.GetName).ToArray();
        var duplicate = ids.GroupBy(i => i).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InputException(file, duplicate.Key, 1, "the input appears twice in the header");
        }

        var weights = new List<double>();
        var values = new List<double[]>();
        var line = 1;
        while (ReadRow(reader, file, line + 1))
        {
            line++;
            if (reader.RowFieldCount != reader.FieldCount)
            {
                throw new InputException(file, null, line, $"{reader.RowFieldCount} fields where the header has {reader.FieldCount}");
            }

            weights.Add(Number(reader.GetString(0), file, WeightColumn, line));
            values.Add(ids.Select((id, j) => Number(reader.GetString(j + 1), file, id, line)).ToArray());
        }

        if (weights.Count == 0)
        {
            throw new InputException(file, null, 2, "no parameter sets");
        }

        try
        {
            return new Ensemble(ids, weights, values);
        }
        catch (ArgumentException e)
        {
            throw new InputException(file, WeightColumn, null, e.Message);
        }
    }

    private static bool ReadRow(CsvDataReader reader, string file, int line)
    {
        try
        {
            return reader.Read();
        }
        catch (Exception e) when (e is CsvFormatException or InvalidOperationException or ArgumentException)
        {
            throw new InputException(file, null, line, $"malformed CSV ({e.Message})");
        }
    }

    /// <summary>The ensemble as CSV, shortest round-trip numbers.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder(WeightColumn);
        foreach (var id in Ids)
        {
            sb.Append(',').Append(id);
        }

        sb.Append('\n');
        for (var k = 0; k < Sets; k++)
        {
            sb.Append(Weights[k].ToString("R", CultureInfo.InvariantCulture));
            foreach (var v in Values[k])
            {
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static double Number(string text, string file, string field, int line) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new InputException(file, field, line, $"'{text}' is not a finite number");
}
