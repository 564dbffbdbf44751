using BenchmarkDotNet.Running;

namespace Segment.Functions.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project benchmarks/Segment.Functions.Benchmarks -- throughput [options]</c> runs
/// the end-to-end throughput runner (<see cref="ThroughputRunner"/>; <c>throughput --help</c> lists the options);
/// <c>-- throughput --postgres</c> runs it on durable delivery, beside the floor (<see cref="PostgreSqlThroughput"/>);
/// <c>-- postgres [options]</c> measures durable delivery's floor on PostgreSQL (<see cref="PostgreSqlBaseline"/>);
/// anything else goes to the BenchmarkDotNet suites, e.g. <c>-- --filter '*DispatchBenchmark*'</c>.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "throughput")
        {
            return ThroughputRunner.Run(args[1..]);
        }

        if (args.Length > 0 && args[0] == "postgres")
        {
            return PostgreSqlBaseline.Run(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
