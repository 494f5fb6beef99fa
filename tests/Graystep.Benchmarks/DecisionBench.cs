using System.Diagnostics;
using System.Globalization;
using System.Text;
using Graystep.Core.Analysis;

namespace Graystep.Benchmarks;

/// <summary>
/// <c>./build.sh bench decisions</c>: the decision quality of the sequential judge (its real code,
/// <see cref="SequentialJudge.Decide"/>) against Flagger's threshold rule, on the same simulated counters.
/// Virtual time: a check every 10 s; per interval and version, errors and successes are independent Poisson draws
/// (Poisson arrivals, each request failing with the version's error rate). Seeded; bounded in rollouts and time.
/// </summary>
internal static class DecisionBench
{
    public const int CheckSeconds = 10;
    public const double Alpha = 0.01;
    public const double MinimumEffect = 2;

    /// <summary>The threshold rules simulated on the same draws: minimum success rate over a 1-minute window, 2 failures.</summary>
    private static readonly double[] ThresholdMins = [99.9, 99.5, 99, 98, 97, 95, 90, 80, 50];
    private const int DefaultRule = 2; // 99%
    private const int WindowChecks = 6;
    private const int FailuresToRollback = 2;

    public sealed record Cell(string Scenario, double Rps, double StableRate, double Factor, int Minutes);

    public sealed record Row(Cell Cell, int Rollouts, Outcome Judge, Outcome Rule, Outcome[] Rules);

    /// <summary>Over the cell's rollouts: how many rolled back, when, how many canary requests before, how many ended inconclusive.</summary>
    public sealed record Outcome(double RollbackRate, double? MedianSeconds, double? P90Seconds, double MeanExposed, double InconclusiveShare);

    public static void Run(Action<string> report, int rollouts = 2000, TimeSpan? budget = null)
    {
        var limit = budget ?? TimeSpan.FromMinutes(8);
        var cells = Cells();
        var clock = Stopwatch.StartNew();
        var rows = new Row?[cells.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)) };
        Parallel.For(0, cells.Count, options, (i, state) =>
        {
            if (clock.Elapsed > limit)
            {
                state.Stop();
                return;
            }

            rows[i] = Simulate(cells[i], rollouts, seed: 1000 + i);
        });

        var done = rows.Where(r => r is not null).Select(r => r!).ToList();
        var text = Table(done);
        var folder = Path.Combine(Graystep.TestKit.RepoPaths.Root, "artifacts", "bench");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "decisions.md"), text, new UTF8Encoding(false));
        Console.WriteLine(text);
        report(string.Create(CultureInfo.InvariantCulture,
            $"decisions: {done.Count} of {cells.Count} cells, {rollouts} rollouts each, in {clock.Elapsed.TotalSeconds:0} s; table in artifacts/bench/decisions.md"));
    }

    public static List<Cell> Cells()
    {
        var cells = new List<Cell>();
        foreach (var minutes in new[] { 10, 30, 60 })
        {
            foreach (var rps in new[] { 2.0, 20, 100 })
            {
                foreach (var rate in new[] { 0.001, 0.005, 0.02 })
                {
                    foreach (var factor in new[] { 1.0, 2, 10 })
                    {
                        cells.Add(new Cell("equal", rps, rate, factor, minutes));
                    }
                }
            }
        }

        foreach (var rps in new[] { 2.0, 20, 100 })
        {
            foreach (var rate in new[] { 0.001, 0.005, 0.02 })
            {
                cells.Add(new Cell("incident", rps, rate, 1, 30));
            }
        }

        foreach (var rps in new[] { 2.0, 20, 100 })
        {
            foreach (var factor in new[] { 1.0, 2, 10 })
            {
                cells.Add(new Cell("weights", rps, 0.005, factor, 30));
            }
        }

        return cells;
    }

    public static Row Simulate(Cell cell, int rollouts, int seed)
    {
        var judgeTimes = new List<double>();
        var ruleTimes = new List<double>[ThresholdMins.Length];
        for (var k = 0; k < ruleTimes.Length; k++)
        {
            ruleTimes[k] = [];
        }

        double judgeExposed = 0;
        var ruleExposed = new double[ThresholdMins.Length];
        var inconclusive = 0;
        var checks = cell.Minutes * 60 / CheckSeconds;
        var rng = new SplitMix(unchecked((ulong)seed * 0x9E3779B97F4A7C15UL));
        var windowErrors = new double[WindowChecks];
        var windowTotal = new double[WindowChecks];
        var ruleFailures = new int[ThresholdMins.Length];
        var ruleDone = new bool[ThresholdMins.Length];
        for (var n = 0; n < rollouts; n++)
        {
            double ce = 0, ct = 0, se = 0, st = 0;
            var judgeDone = false;
            var last = JudgeOutcome.Inconclusive;
            Array.Clear(windowErrors);
            Array.Clear(windowTotal);
            Array.Clear(ruleFailures);
            Array.Clear(ruleDone);
            for (var c = 0; c < checks; c++)
            {
                var t = c * CheckSeconds;
                var (canaryRps, stableRps) = Traffic(cell, t);
                var incident = cell.Scenario == "incident" && t >= 300 && t < 600 ? 10 : 1;
                var stableRate = Math.Min(0.5, cell.StableRate * incident);
                var canaryRate = Math.Min(0.9, cell.StableRate * cell.Factor * incident);
                var cErr = rng.Poisson(canaryRps * canaryRate * CheckSeconds);
                var cOk = rng.Poisson(canaryRps * (1 - canaryRate) * CheckSeconds);
                var sErr = rng.Poisson(stableRps * stableRate * CheckSeconds);
                var sOk = rng.Poisson(stableRps * (1 - stableRate) * CheckSeconds);
                ce += cErr;
                ct += cErr + cOk;
                se += sErr;
                st += sErr + sOk;
                var now = t + CheckSeconds;
                if (!judgeDone)
                {
                    last = SequentialJudge.Decide(new VersionCounts(ce, ct), new VersionCounts(se, st), Alpha, MinimumEffect);
                    if (last == JudgeOutcome.Fail)
                    {
                        judgeDone = true;
                        judgeTimes.Add(now);
                        judgeExposed += ct;
                    }
                }

                windowErrors[c % WindowChecks] = cErr;
                windowTotal[c % WindowChecks] = cErr + cOk;
                var wTotal = windowTotal.Sum();
                var success = wTotal > 0 ? 100 * (1 - (windowErrors.Sum() / wTotal)) : double.NaN;
                for (var k = 0; k < ThresholdMins.Length; k++)
                {
                    if (ruleDone[k])
                    {
                        continue;
                    }

                    if (double.IsNaN(success) || success < ThresholdMins[k])
                    {
                        ruleFailures[k]++;
                    }

                    if (ruleFailures[k] >= FailuresToRollback)
                    {
                        ruleDone[k] = true;
                        ruleTimes[k].Add(now);
                        ruleExposed[k] += ct;
                    }
                }

                if (judgeDone && ruleDone.All(d => d))
                {
                    break;
                }
            }

            if (!judgeDone)
            {
                // No rollback: the canary served its traffic for the whole rollout (ct is complete: the loop ran out).
                judgeExposed += ct;
                if (last == JudgeOutcome.Inconclusive)
                {
                    inconclusive++;
                }
            }

            for (var k = 0; k < ThresholdMins.Length; k++)
            {
                if (!ruleDone[k])
                {
                    ruleExposed[k] += ExposedOver(cell, checks);
                }
            }
        }

        var judge = Summarize(judgeTimes, judgeExposed, rollouts, (double)inconclusive / rollouts);
        var rules = Enumerable.Range(0, ThresholdMins.Length).Select(k => Summarize(ruleTimes[k], ruleExposed[k], rollouts, 0)).ToArray();
        return new Row(cell, rollouts, judge, rules[DefaultRule], rules);
    }

    // The expected canary requests of a whole rollout (used when a rule stopped drawing early for the judge's sake).
    private static double ExposedOver(Cell cell, int checks)
    {
        double sum = 0;
        for (var c = 0; c < checks; c++)
        {
            sum += Traffic(cell, c * CheckSeconds).Canary * CheckSeconds;
        }

        return sum;
    }

    /// <summary>Requests per second to each version: equal halves, or weights 10/20/30/50% of twice the traffic.</summary>
    private static (double Canary, double Stable) Traffic(Cell cell, int second)
    {
        if (cell.Scenario != "weights")
        {
            return (cell.Rps, cell.Rps);
        }

        int[] weights = [10, 20, 30, 50];
        var step = Math.Min(weights.Length - 1, second * weights.Length / (cell.Minutes * 60));
        var total = 2 * cell.Rps;
        return (total * weights[step] / 100.0, total * (100 - weights[step]) / 100.0);
    }

    private static Outcome Summarize(List<double> times, double exposed, int rollouts, double inconclusive)
    {
        times.Sort();
        double? Quantile(double q) => times.Count == 0 ? null : times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        return new Outcome((double)times.Count / rollouts, Quantile(0.5), Quantile(0.9), exposed / rollouts, inconclusive);
    }

    public static string Table(IReadOnlyList<Row> rows)
    {
        var text = new StringBuilder();
        text.Append("| scenario | rps/version | stable errors | canary | minutes | judge: rolled back | judge: detection median / p90 | judge: canary requests before decision | judge: inconclusive at end | threshold rule: rolled back | threshold: detection median / p90 | threshold: canary requests |\n");
        text.Append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        foreach (var row in rows)
        {
            var c = row.Cell;
            text.Append(Invariant($"| {c.Scenario} | {c.Rps:0.#} | {c.StableRate * 100:0.#}% | {(c.Factor == 1 ? "healthy" : Invariant($"{c.Factor:0}x"))} | {c.Minutes} | "))
                .Append(Pct(row.Judge.RollbackRate)).Append(" | ").Append(Times(row.Judge)).Append(" | ").Append(Invariant($"{row.Judge.MeanExposed:0}")).Append(" | ")
                .Append(Pct(row.Judge.InconclusiveShare)).Append(" | ")
                .Append(Pct(row.Rule.RollbackRate)).Append(" | ").Append(Times(row.Rule)).Append(" | ").Append(Invariant($"{row.Rule.MeanExposed:0}")).Append(" |\n");
        }

        text.Append("\nAt the same false-rollback rate (10x regressions): the strictest threshold rule whose false-rollback rate in the healthy cell is at most 1% and at most the judge's (or 1% when the judge has none).\n\n");
        text.Append("| scenario | rps/version | stable errors | minutes | judge: false rollbacks / canary requests on 10x | calibrated rule (min success %) | its false rollbacks / canary requests on 10x | fewer requests with the judge |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var bad in rows.Where(r => r.Cell.Factor == 10))
        {
            var healthy = rows.FirstOrDefault(r => r.Cell == bad.Cell with { Factor = 1 });
            if (healthy is null)
            {
                continue;
            }

            var allowed = Math.Min(0.01, Math.Max(healthy.Judge.RollbackRate, 0.0));
            allowed = healthy.Judge.RollbackRate == 0 ? 0.01 : allowed;
            var k = Enumerable.Range(0, ThresholdMins.Length).FirstOrDefault(i => healthy.Rules[i].RollbackRate <= allowed, -1);
            var c = bad.Cell;
            text.Append(Invariant($"| {c.Scenario} | {c.Rps:0.#} | {c.StableRate * 100:0.#}% | {c.Minutes} | {Pct(healthy.Judge.RollbackRate)} / {bad.Judge.MeanExposed:0} | "));
            if (k < 0)
            {
                text.Append("none qualifies | - | - |\n");
                continue;
            }

            var rule = bad.Rules[k];
            text.Append(Invariant($"{ThresholdMins[k]:0.#} | {Pct(healthy.Rules[k].RollbackRate)} / {rule.MeanExposed:0} | {rule.MeanExposed / Math.Max(1, bad.Judge.MeanExposed):0.0}x |\n"));
        }

        return text.ToString();
    }

    private static string Times(Outcome o) => o.MedianSeconds is null ? "-" : Invariant($"{o.MedianSeconds:0} s / {o.P90Seconds:0} s");

    private static string Pct(double value) => Invariant($"{value * 100:0.##}%");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>A small, fast, seeded generator (SplitMix64) with a Poisson sampler.</summary>
    private sealed class SplitMix(ulong state)
    {
        private ulong _state = state;

        public double NextDouble()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return ((z >> 11) + 0.5) * (1.0 / (1UL << 53));
        }

        public double Poisson(double mean)
        {
            if (mean <= 0)
            {
                return 0;
            }

            if (mean < 40)
            {
                // Inversion: walk the cumulative probabilities.
                var u = NextDouble();
                var p = Math.Exp(-mean);
                var cumulative = p;
                var k = 0;
                while (u > cumulative && k < 1000)
                {
                    k++;
                    p *= mean / k;
                    cumulative += p;
                }

                return k;
            }

            // Large means: the normal approximation, rounded (its error is far below the effects measured here).
            var z = Math.Sqrt(-2 * Math.Log(NextDouble())) * Math.Cos(2 * Math.PI * NextDouble());
            return Math.Max(0, Math.Round(mean + (Math.Sqrt(mean) * z)));
        }
    }
}
